"""The online reporting and monitoring application: `greenblue serve`.

Signed-in focal points upload their exports and see what became of each file; officials read
the published figures. It reads the served warehouse read-only, writes only accepted uploads
into the landing folder, and keeps its accounts, sessions and audit log in its own SQLite
file (`accounts.py`), never in the warehouse.
"""
