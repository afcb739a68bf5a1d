"""The kit every view uses: parse, answer, GeoJSON, problem+json, limits, cache headers, auth."""
