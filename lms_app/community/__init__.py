"""Community: lesson Q&A, moderation, course announcements and messages to the teacher."""
