"""The demo catalog the seed loads: categories from the product spec, courses, curricula."""

from __future__ import annotations

# (name, slug, description, lucide icon) — the eight categories of reference document 000.
CATEGORIES = [
    ("Programming", "programming", "Learn to code in various languages", "code"),
    ("Web Development", "web-development", "Build modern websites and web applications", "globe"),
    ("Data Science", "data-science", "Analyze data and build ML models", "chart-line"),
    ("Design", "design", "UI/UX, graphic design, and creative skills", "palette"),
    ("Business", "business", "Entrepreneurship, marketing, and management", "briefcase"),
    ("DevOps", "devops", "Cloud, CI/CD, containerization, infrastructure", "server"),
    ("Mobile Development", "mobile-development", "Build iOS and Android applications", "smartphone"),
    ("Cybersecurity", "cybersecurity", "Protect systems and networks from threats", "shield-check"),
]

# Demo accounts; the README lists them. Refused in production (see settings).
DEMO_USERS = [
    ("admin@example.com", "Ada Admin", "admin", "admin12345"),
    ("teacher@example.com", "Tomás Teacher", "teacher", "teacher12345"),
    ("learner@example.com", "Lena Learner", "learner", "learner12345"),
]
SECOND_TEACHER = ("grace@example.com", "Grace Okafor", "teacher")
EXTRA_LEARNERS = 24  # learner01..learner24@example.com, with an unusable password

# slug, title, subtitle, category slug, level, price (minor units), currency, teacher index, modules
# Each module: (title, [(lesson title, type, minutes, preview)])
COURSES = [
    ("python-from-zero", "Python from Zero", "Write real programs in your first week", "programming", "beginner", 0, "USD", 0, [
        ("Getting started", [("Why Python?", "video", 6, True), ("Installing Python", "text", 8, True), ("Your first script", "video", 12, False)]),
        ("Core ideas", [("Variables and types", "text", 10, False), ("Control flow", "video", 14, False), ("Functions", "video", 16, False), ("Cheat sheet", "pdf", 5, False)]),
    ]),
    ("modern-python-patterns", "Modern Python Patterns", "Type hints, dataclasses, async and testing done right", "programming", "intermediate", 4900, "USD", 0, [
        ("Typing", [("Type hints that help", "video", 15, True), ("Protocols and generics", "text", 12, False)]),
        ("Structure", [("Dataclasses vs. classes", "video", 11, False), ("Async without tears", "video", 18, False), ("Testing with pytest", "text", 14, False)]),
    ]),
    ("web-apps-in-pure-python", "Web Apps in Pure Python", "Full-stack apps without writing JavaScript", "web-development", "beginner", 2900, "USD", 0, [
        ("Foundations", [("How the web works", "video", 10, True), ("Components and state", "text", 9, False)]),
        ("Building", [("Forms and validation", "video", 14, False), ("Databases", "video", 16, False), ("Deploying", "pdf", 6, False)]),
    ]),
    ("css-layout-mastery", "CSS Layout Mastery", "Flexbox and grid for layouts that never break", "web-development", "intermediate", 1900, "EUR", 1, [
        ("Flexbox", [("The flex mental model", "video", 12, True), ("Alignment recipes", "text", 7, False)]),
        ("Grid", [("Grid areas", "video", 13, False), ("Responsive without media queries", "video", 15, False), ("Reference card", "pdf", 3, False)]),
    ]),
    ("data-analysis-with-pandas", "Data Analysis with pandas", "Clean, explore and explain real data sets", "data-science", "beginner", 3900, "USD", 1, [
        ("First steps", [("Series and DataFrames", "video", 14, True), ("Loading data", "text", 8, False)]),
        ("Analysis", [("Grouping and joining", "video", 17, False), ("Time series", "video", 16, False), ("Plotting results", "text", 10, False)]),
    ]),
    ("machine-learning-foundations", "Machine Learning Foundations", "From linear models to honest evaluation", "data-science", "advanced", 7900, "USD", 1, [
        ("Models", [("What learning means", "video", 12, True), ("Linear and logistic regression", "video", 20, False)]),
        ("Practice", [("Cross-validation", "text", 12, False), ("Feature engineering", "video", 18, False), ("Model cards", "pdf", 8, False)]),
    ]),
    ("ui-design-essentials", "UI Design Essentials", "Layout, type and colour for people who build", "design", "beginner", 0, "USD", 1, [
        ("Seeing", [("Visual hierarchy", "video", 9, True), ("Type scales", "text", 7, False)]),
        ("Doing", [("Colour with contrast", "video", 11, False), ("Designing forms", "video", 13, False)]),
    ]),
    ("accessible-interfaces", "Accessible Interfaces", "WCAG in practice for designers and developers", "design", "intermediate", 2400, "GBP", 0, [
        ("Principles", [("Who accessibility is for", "video", 8, True), ("Perceivable content", "text", 11, False)]),
        ("Techniques", [("Keyboard and focus", "video", 14, False), ("Testing with screen readers", "video", 16, False), ("Checklist", "pdf", 4, False)]),
    ]),
    ("launch-your-online-course", "Launch Your Online Course", "From idea to first hundred students", "business", "beginner", 1500, "USD", 1, [
        ("Plan", [("Finding your topic", "video", 10, True), ("Outlining lessons", "text", 9, False)]),
        ("Sell", [("Pricing", "video", 12, False), ("Your launch week", "video", 14, False)]),
    ]),
    ("docker-and-ci-pipelines", "Docker and CI Pipelines", "Ship the same build from laptop to production", "devops", "intermediate", 4500, "USD", 0, [
        ("Containers", [("Images and layers", "video", 13, True), ("Writing a good Dockerfile", "text", 11, False)]),
        ("Pipelines", [("CI that stays green", "video", 15, False), ("Releases and rollbacks", "video", 14, False), ("Pipeline templates", "pdf", 5, False)]),
    ]),
    ("postgres-for-developers", "PostgreSQL for Developers", "Indexes, transactions and queries that scale", "devops", "advanced", 5900, "USD", 0, [
        ("Thinking in sets", [("Reading EXPLAIN", "video", 16, True), ("Indexes that matter", "text", 13, False)]),
        ("Concurrency", [("Transactions and isolation", "video", 18, False), ("Constraints as safety nets", "video", 12, False)]),
    ]),
    ("android-apps-with-kotlin", "Android Apps with Kotlin", "Build and publish your first Android app", "mobile-development", "beginner", 3400, "USD", 1, [
        ("Setup", [("Android Studio tour", "video", 9, True), ("Kotlin crash course", "text", 14, False)]),
        ("Build", [("Screens with Compose", "video", 17, False), ("Storing data", "video", 15, False), ("Publishing checklist", "pdf", 4, False)]),
    ]),
    ("cross-platform-mobile", "Cross-Platform Mobile Apps", "One codebase for iOS and Android", "mobile-development", "intermediate", 0, "USD", 0, [
        ("Basics", [("Choosing a framework", "video", 11, True), ("Navigation", "text", 8, False)]),
        ("Shipping", [("Native features", "video", 14, False), ("App store review", "video", 9, False)]),
    ]),
    ("web-security-fundamentals", "Web Security Fundamentals", "The OWASP Top 10, attacked and defended", "cybersecurity", "intermediate", 4900, "USD", 0, [
        ("Attacks", [("Injection", "video", 15, True), ("Cross-site scripting", "video", 14, False), ("Broken access control", "text", 12, False)]),
        ("Defence", [("Secure sessions", "video", 13, False), ("Threat modelling worksheet", "pdf", 6, False)]),
    ]),
]
