"""The estate: compounds, buildings, households and revenue-earning resources."""
