// Module Recording: see ../shared/DESIGN.md for its responsibility.
