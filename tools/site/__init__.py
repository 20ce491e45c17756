"""The site: render the catalog into the Markdown tree the site engine builds."""
