// Module Gateway: see ../shared/DESIGN.md for its responsibility.
