"""Analytics: the platform's for admins and a teacher's own courses."""
