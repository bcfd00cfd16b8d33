"""Audio in and out: devices, VAD endpointing, speech recognition and synthesis."""
