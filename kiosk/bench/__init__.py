"""`kiosk bench`: figures of this machine, measured against the naive baseline (`run.py`)."""
