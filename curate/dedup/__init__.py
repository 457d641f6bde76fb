"""Near-duplicate search: neighbour pairs above a cosine threshold, and their clusters."""
