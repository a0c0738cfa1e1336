enum _PlaceholderLoupeServices {}
