"""What a credential document must look like, shared by issuing and verifying."""
