"""Live sessions as products: offerings, scheduled slots, bookings, reminders."""
