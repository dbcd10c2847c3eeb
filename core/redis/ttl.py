"""Every Redis expiry in seconds, each with the reason for its length (seed section 4.2)."""

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

SESSION = DAY  # seed: 24 h sliding session lifetime
SESSION_ACTIVITY_WRITE_INTERVAL = MINUTE  # last_active is written at most once a minute
USER_PROFILE = 15 * MINUTE  # seed: profiles 5-15 min; invalidated on update anyway
MESSAGING_CONVERSATIONS = 15 * MINUTE  # a user's conversation list; every change of one bumps it anyway
CONTENT_LISTS = 15 * MINUTE  # a user's list pages; every content write bumps the generation anyway
SEARCH_RESULTS = 5 * MINUTE  # seed: 5 min; every write bumps the generation (replayed after outages)
DASHBOARD = 15 * MINUTE  # seed: 15-60 min; bumped by the user's own activity and when the day changes
RECOMMENDATIONS = HOUR  # seed: 1 h, refreshed daily or on new interaction
POPULAR_LEARNING_PATHS = 30 * MINUTE  # seed: popular paths 30 min
FEATURED_LEARNING_PATHS = 30 * MINUTE  # like popular paths; bumped when a path is (un)featured
HABIT_DAY_GRACE = 6 * HOUR  # a day's habit counts outlive the user's local day by this much
RUNNING_TIMER = 30 * DAY  # refreshed on every start/stop; rebuilt from the database when missing
STREAK = 90 * DAY  # refreshed on every active day; rebuilt from the database when missing
MARKETPLACE_VIEWS_BUCKET = 25 * HOUR  # an hour bucket must outlive the 24 h trending union
MARKETPLACE_VIEWS_SEEN = HOUR + 5 * MINUTE  # outlives its hour even when first written at its start
MARKETPLACE_CATEGORIES = 10 * MINUTE  # category counts; bumped whenever an item enters or leaves
MARKETPLACE_TRENDING = 5 * MINUTE  # the union is rebuilt at most once a minute; unread ones expire
LOGIN_ATTEMPTS_WINDOW = 5 * MINUTE  # seed: 5 login attempts per 5 minutes
CHALLENGES = 5 * MINUTE  # the open challenges list; bumped on create, join, leave and finish
GENERATION = 7 * DAY  # generation counters outlive every entry that embeds them
CACHE_FILL_LOCK = 10  # a cache miss's single-flight lock; longer than any computation should take
UNREAD_COUNTS = 7 * DAY  # rebuilt from the database on a miss; idle users' hashes expire
