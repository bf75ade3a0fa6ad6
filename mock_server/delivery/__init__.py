"""Delivering callback events to their destinations: signing, ordering, retries."""
