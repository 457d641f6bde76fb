"""Support questions and light rewordings of some of them: near-duplicates at cosine 0.9+."""

from __future__ import annotations

# (question, answer)
BASE = [
    (
        "How do I reset my password?",
        "Open the sign-in page, choose Forgot password and follow the link we email you.",
    ),
    (
        "Can I return boots I have already worn outside?",
        "Worn boots can be returned within 30 days if they are clean and undamaged.",
    ),
    (
        "Why was my card charged twice for one order?",
        "The second charge is a temporary hold; your bank releases it within 3 to 5 days.",
    ),
    (
        "Do you ship tents to Canada?",
        "Yes, we ship tents to every Canadian province; duties are included at checkout.",
    ),
    (
        "How long does the headlamp battery last?",
        "On the medium setting the headlamp battery lasts about 40 hours per charge.",
    ),
    (
        "Where can I find my warranty certificate?",
        "Your warranty certificate is in the order confirmation email and under Account.",
    ),
]
REWORDED = [
    (
        "How can I reset my password?",
        "Go to the sign-in page, pick Forgot password, then follow the link we email you.",
    ),
    (
        "Can I return boots that I've already worn outside?",
        "Boots that were worn can be returned within 30 days when clean and undamaged.",
    ),
    (
        "Why did my card get charged twice for a single order?",
        "The second charge is only a temporary hold, and your bank releases it in 3-5 days.",
    ),
]


OTHERS = [
    ("What is the weight of the Ridge 2 tent?", "The Ridge 2 weighs 1.9 kg with its poles."),
    ("Is gift wrapping available?", "Gift wrapping costs $4 and is chosen at checkout."),
    ("Which stove fuel do you recommend at altitude?", "Isobutane blends work best up high."),
    ("Can I change my delivery address after paying?", "Yes, until the parcel leaves us."),
    ("Do the rain jackets come in petite sizes?", "Three of our jackets come in petite."),
    ("How do I wash a down sleeping bag?", "Front-loader, cool water, down soap, dry low."),
    ("Are your water filters certified?", "Both filters meet the NSF P231 standard."),
    ("What does Basecamp Rewards cost?", "Joining is free; points never expire."),
    ("How are kayaks delivered?", "Kayaks come by freight with a two-hour window."),
    ("Can students get a discount?", "Students get 10% off after verifying their email."),
]


# Pairs the embedding puts at cosine 0.93+ although they state different facts: a number
# (the year and count, the model) or a name (the country, the store) differs.
FACT_VARIANTS = [
    (
        ("How many orders did the Oslo store ship in 2013?", "29"),
        ("How many orders did the Oslo store ship in 2010?", "17"),
    ),
    (
        ("What is the height of the Ridge 5 tent?", "120 cm"),
        ("What is the height of the Ridge 6 tent?", "135 cm"),
    ),
    (
        ("Which warehouse ships orders to Norway?", "The warehouse in Malmo ships them."),
        ("Which warehouse ships orders to Sweden?", "The warehouse in Malmo ships them."),
    ),
    (
        (
            "Can I return a tent bought at the Oslo store to the Bergen store?",
            "Yes, any store takes returns.",
        ),
        (
            "Can I return a tent bought at the Oslo store to the Trondheim store?",
            "Yes, any store takes returns.",
        ),
    ),
]
