"""`xinyong demo`: a district's worth of sample data (`data`) and the command that loads it and serves.

It writes through every slice's services, so it sits above all of them (only the pages are higher)."""
