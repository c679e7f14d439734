"""catalog: business rules as plain Python (no Reflex import); pages, routes and tests call these."""
