"""Station knowledge: data, versioned store, retrieval, name resolution, routes and answers."""
