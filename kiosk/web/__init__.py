"""The kiosk's HTTP face: the server, the captions page, metrics, status and the operator API."""
