"""Ticket text for make_tickets.py: issue templates per team, priority cues, fillers.

All text is invented for curate's demo. The company, Brightloom, sells smart thermostats and
sensors with a subscription app (Brightloom Home, plans Basic, Plus and Pro).
"""

from __future__ import annotations

TEAMS = ("billing", "technical", "account", "shipping", "sales")
PRIORITIES = ("low", "medium", "high", "urgent")

SYSTEM_PROMPT = (
    "You route Brightloom support tickets. Read the ticket and answer with JSON only: "
    '{"team": ..., "priority": ...}. Teams: billing, technical, account, shipping, sales. '
    "Priorities: low, medium, high, urgent."
)

# Issue templates: each names one team's kind of problem. Slots are filled from SLOTS.
ISSUES: dict[str, list[str]] = {
    "billing": [
        "I was charged {amount} twice for my {plan} subscription this month.",
        "Invoice {invoice} shows the {plan} price but I downgraded to Basic in {month}.",
        "Can I get a refund for the {amount} renewal? I meant to cancel before it renewed.",
        "My card was declined paying invoice {invoice}, but the bank says nothing was blocked.",
        "Why did my monthly bill go up to {amount}? Nobody told me about a price change.",
        "Please switch my billing from monthly to yearly and tell me what the prorated amount is.",
        "The receipt for order {order} is missing the VAT number of our company.",
        "I see a pending charge of {amount} from Brightloom that I do not recognise.",
        "The promo code {code} was accepted at checkout but the discount never showed on my bill.",
        "How do I update the credit card that pays for my {plan} plan?",
        "We were billed for {count} seats on the Pro plan but only use {small} of them.",
    ],
    "technical": [
        "My {device} keeps going offline every few hours and shows error {error}.",
        "The Brightloom Home app crashes as soon as I open the schedule screen on my {phone}.",
        "The {device} reads {temp} degrees while the room is clearly much colder.",
        "After the firmware update last night the {device} will not connect to my wifi any more.",
        "Heating schedule changes made in the app never reach the thermostat in the {room}.",
        "The motion sensor in the {room} triggers away mode even when we are at home.",
        "Error {error} appears during setup and the pairing never finishes.",
        "The battery on my {device} drains in a week instead of the promised year.",
        "The Alexa integration stopped recognising my thermostat, commands just time out.",
        "Energy reports in the app have been blank since {month}.",
        "Our {device} clicks on and off every couple of minutes and the boiler short-cycles.",
    ],
    "account": [
        "I cannot log in, the password reset email never arrives.",
        "Please remove my old phone from two-factor authentication, I lost it.",
        "How do I add my partner as a second user on our home account?",
        "I want my account and all the data you store about me deleted.",
        "My account got locked after too many login attempts, how do I unlock it?",
        "I need to change the email address on my account to my new work address.",
        "Someone logged into my account from {city} and it was not me.",
        "Can I merge the two accounts I accidentally created into one?",
        "The app says my session expired every time I open it and logs me out.",
        "How do I transfer ownership of the home to the new owners of the house?",
        "I would like a copy of all the data linked to my account.",
    ],
    "shipping": [
        "Order {order} was supposed to arrive on {date} and the tracking has not moved since.",
        "Order {order} arrived with the {device} box crushed and the screen cracked.",
        "I received two thermostats but ordered one sensor, order {order}.",
        "Can you change the delivery address for order {order}? We are moving to {city}.",
        "The courier marked order {order} as delivered but nothing came.",
        "Do you ship to {country}, and how long does it usually take?",
        "Order {order} is missing the wiring kit that should be in the box.",
        "I need order {order} delivered before {date}, can it be expedited?",
        "The tracking link for order {order} says the label was created but never picked up.",
        "My return label for order {order} does not work at the post office.",
        "Half of order {order} arrived, where is the second parcel?",
    ],
    "sales": [
        "We manage {count} apartments and want a quote for thermostats in every unit.",
        "What is the difference between the Plus and Pro plans for a small office?",
        "Do you offer discounts for schools or non-profits?",
        "I am an installer and would like to become a Brightloom reseller.",
        "Can we get a demo of the building dashboard for our facilities team?",
        "Is there a volume price if we buy {count} sensors at once?",
        "Does the Pro plan include API access for our building management system?",
        "We are comparing you with two competitors, can someone call us about pricing?",
        "I would like to upgrade our {count} homes from Basic to Pro, what would it cost?",
        "Do you sell refurbished thermostats at a lower price?",
        "Our hotel group is interested in a pilot in {city}, who can we talk to?",
    ],
}

# Sentences that make the priority clear; placed before or after the issue.
PRIORITY_CUES: dict[str, list[str]] = {
    "low": [
        "No rush at all, just curious.",
        "Whenever someone has time is fine.",
        "Not urgent, just wanted to ask.",
        "This is more of a question than a problem.",
        "It can wait until next week.",
        "Low priority, only a small annoyance.",
    ],
    "medium": [
        "I would appreciate an answer this week.",
        "It is inconvenient but we are managing.",
        "Please look into it when you can.",
        "Could someone get back to me in the next few days?",
        "It is not blocking anything yet, but I want it sorted.",
        "Would be good to have this fixed soon.",
    ],
    "high": [
        "This needs attention today please.",
        "It is affecting all of our customers this afternoon.",
        "We have a deadline tomorrow so this is important.",
        "Please treat this as high priority.",
        "This is causing real problems for us right now.",
        "I need this resolved before the end of the day.",
    ],
    "urgent": [
        "URGENT: the house has no heating and it is freezing, there is a baby at home.",
        "This is an emergency, please respond immediately.",
        "Everything is down for the whole building and tenants are calling nonstop.",
        "Critical: we are losing money every hour this goes on.",
        "Please escalate right away, it cannot wait even an hour.",
        "Emergency: the system is overheating the room and will not turn off.",
    ],
}

OPENERS = [
    "",
    "Hi,",
    "Hello,",
    "Hello support team,",
    "Good morning,",
    "Hey there,",
    "Dear Brightloom,",
    "Hi team,",
    "Good afternoon,",
]
CLOSERS = ["", "Thanks.", "Thank you!", "Regards.", "Cheers.", "Thanks in advance.", "Best."]

SLOTS: dict[str, list[str]] = {
    "amount": ["$9.99", "$14.99", "$29.00", "$119.88", "$240.00", "$59.50", "$4.99"],
    "plan": ["Basic", "Plus", "Pro"],
    "month": ["January", "March", "May", "August", "October", "December"],
    "invoice": ["INV-20417", "INV-31872", "INV-44510", "INV-50233", "INV-68120", "INV-71904"],
    "order": ["BL-58213", "BL-60471", "BL-61933", "BL-70025", "BL-73418", "BL-81170", "BL-90342"],
    "code": ["WARMUP20", "SPRING15", "WELCOME10", "COZY25"],
    "count": ["12", "25", "40", "80", "150", "300"],
    "small": ["3", "5", "8", "10"],
    "device": ["thermostat", "Loom T2 thermostat", "room sensor", "hub", "Loom T3 thermostat"],
    "phone": ["Pixel 8", "iPhone 13", "Galaxy S23", "iPad", "OnePlus 11"],
    "error": ["E-104", "E-221", "E-309", "E-415", "E-502"],
    "temp": ["25", "28", "30", "17"],
    "room": ["bedroom", "living room", "kitchen", "basement", "office", "nursery"],
    "city": ["Leeds", "Lyon", "Denver", "Toronto", "Porto", "Krakow", "Austin"],
    "country": ["Ireland", "Norway", "Mexico", "Japan", "Portugal", "New Zealand"],
    "date": ["March 3", "April 18", "June 9", "July 22", "September 5", "November 14"],
}

# Word swaps for planted near-duplicate paraphrases (same meaning, a few words changed).
PARAPHRASE_SWAPS = [
    ("I was", "I've been"),
    ("cannot", "can't"),
    ("does not", "doesn't"),
    ("do not", "don't"),
    ("will not", "won't"),
    ("Please", "Kindly"),
    ("please", "kindly"),
    ("want", "would like"),
    ("keeps", "continues"),
    ("never", "still hasn't"),
    ("How do I", "How can I"),
    ("Can you", "Could you"),
    ("Can I", "Could I"),
    ("We are", "We're"),
    ("It is", "It's"),
]

# Fake personal data for PII rows: reserved example domains and the 555-01xx phone range.
FIRST_NAMES = [
    "Maria Lopez",
    "Tom Becker",
    "Aisha Khan",
    "Daniel Moore",
    "Sofia Rossi",
    "Liam Chen",
]
EMAIL_USERS = ["m.lopez", "tbecker", "aisha.k", "dmoore77", "sofia.r", "liam.chen"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]
PHONES = ["(555) 010-4477", "555-0132", "+1 555 019 2231", "555-0188", "(555) 017-9020"]

# Answers that are not valid JSON, though the route they mean is often right.
INVALID_JSON = [
    '{{"team": "{team}", "priority": "{priority}"',
    "{{'team': '{team}', 'priority': '{priority}'}}",
    "team: {team}, priority: {priority}",
    'Sure! Here is the routing: {{"team": "{team}", "priority": "{priority}"}}',
    '```json\n{{"team": "{team}", "priority": "{priority}"}}\n```',
    '{{"team": {team}, "priority": {priority}}}',
]
UNKNOWN_TEAMS = ["refunds", "legal", "engineering", "hr", "logistics"]
BAD_PRIORITIES = ["critical", "p1", "normal"]
SHORT_ANSWERS = ["billing", "high", "ok", "sales", "n/a", "urgent", "{}", "?"]

# Background sentences; most tickets carry one or two, as real tickets ramble a little.
CONTEXT = [
    "We have been customers for about {count} months.",
    "I already tried turning it off and on again.",
    "My neighbour has the same setup and never had this.",
    "We live in a small flat on the third floor.",
    "I am writing from my work computer so replies may be slow.",
    "This started right after we came back from holiday.",
    "I spoke to someone on chat last week but the conversation got cut off.",
    "Our installer said to contact you directly.",
    "I checked the help centre first and could not find anything.",
    "My elderly mother lives with us, so the heating matters a lot.",
    "We bought the starter kit in {month}.",
    "The rest of the system works perfectly well.",
    "I have attached screenshots in case they help.",
    "We run a small dental practice from the ground floor.",
    "English is not my first language, sorry for any mistakes.",
    "It is the second time I am writing about this.",
    "I love the product otherwise.",
    "My partner set everything up, so I do not know all the details.",
    "We recently switched internet providers.",
    "The order was a birthday present for my father.",
    "I run {count} rental properties in {city}.",
    "I am usually available in the mornings.",
    "My account is under my company name.",
    "We are renovating the {room} at the moment.",
    "I read the manual twice.",
    "Your last newsletter mentioned something similar.",
    "The app version is the latest one from the store.",
    "Our building has an old gas boiler from the nineties.",
    "I used the chat bot but it could not help.",
    "I would prefer an answer by email rather than a call.",
]
