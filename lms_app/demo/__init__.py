"""Demo data: the seed's users, categories and courses; features add theirs through ``lms_demo_data``."""
