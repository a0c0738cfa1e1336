enum _PlaceholderLoupeDomain {}
