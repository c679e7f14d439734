"""The public catalog: home page, course search and filters, course pages, sitemap, the navbar search box."""
