"""Signed knowledge-base updates for a fleet, on TUF (python-tuf).

`repository` is the operator's side (keys, root, publishing, rotation), `artifact` packs and
unpacks a snapshot, `client` is the kiosk's verified pull, `poller` runs it in the daemon.
"""
