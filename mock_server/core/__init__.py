"""Building blocks that know nothing of the API: time, randomness, errors, numbers, paging."""
