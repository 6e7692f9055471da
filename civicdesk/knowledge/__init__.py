"""Knowledge base: articles that answer citizens' recurring questions, searchable in Chinese."""
