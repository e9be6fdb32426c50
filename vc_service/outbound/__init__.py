"""What the service fetches from elsewhere on a request's behalf, and where it may go."""
