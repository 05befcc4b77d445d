"""`gazette web`: a read-only catalog browser (Starlette and Jinja2 templates), served on loopback."""
