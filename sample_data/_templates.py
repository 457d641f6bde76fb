"""Text templates for the synthetic Tallowfern Outfitters support data (see generate.py).

Everything here is invented for this project: the company, products, policies, people,
addresses and contact details. Card numbers are the well-known public test numbers.
Facts used across answers (keep them consistent when editing):
returns 60 days (electronics 30), $6.95 label fee for non-members, refunds 3-5 business days
after inspection, free standard shipping at $75+ ($7.50 otherwise), Express 1-2 business days
for $18, price adjustments within 14 days, 1 point per dollar and 500 points = $10 reward,
2-year warranty on electronics, lifetime workmanship warranty on packs and outerwear.
"""

from __future__ import annotations

COMPANY = "Tallowfern Outfitters"

PRODUCTS: dict[str, list[str]] = {
    "gear": [
        "Ridgeline 2 tent",
        "Ridgeline 4 tent",
        "Emberlite camp stove",
        "Kestrel 40L trail pack",
        "Kestrel 28L daypack",
        "Driftwood -5°C sleeping bag",
        "Talus trekking pole set",
        "Basin folding camp table",
    ],
    "apparel": [
        "Fernline rain jacket",
        "Alder fleece",
        "Brisk merino base layer",
        "Saltmarsh hiking shirt",
        "Cirrus down vest",
    ],
    "watch": ["Cobble GPS watch", "Cobble Mini watch"],
    "headlamp": ["Lumen-X 900 headlamp", "Lumen-X 400 headlamp"],
    "powerbank": ["Sparrow solar power bank", "Sparrow Max solar power bank"],
    "messenger": ["Waypoint satellite messenger"],
    "oversize": ["Shoal packraft", "Ridgeline 4 tent", "Basin folding camp table"],
    "packs": ["Kestrel 40L trail pack", "Kestrel 28L daypack", "Fernline rain jacket"],
}
PRODUCTS["electronics"] = (
    PRODUCTS["watch"] + PRODUCTS["headlamp"] + PRODUCTS["powerbank"] + PRODUCTS["messenger"]
)
PRODUCTS["firmware"] = PRODUCTS["watch"] + PRODUCTS["messenger"]
PRODUCTS["any"] = PRODUCTS["gear"] + PRODUCTS["apparel"] + PRODUCTS["electronics"]

SIZES = ["XS", "S", "M", "L", "XL"]
COLORS = ["olive", "slate blue", "rust", "charcoal", "sand", "pine green"]
COUNTRIES = ["the UK", "Australia", "Germany", "Mexico", "Japan", "Ireland"]
MONTHS = ["March", "April", "May", "June", "July", "August", "September", "October"]

SYSTEM_PROMPTS = [
    f"You are the support assistant for {COMPANY}, an online and in-store retailer of "
    "camping, hiking and paddling gear. Answer customers clearly and politely.",
    f"You are the support assistant for {COMPANY}. Be friendly and concise, follow company "
    "policy, and never ask for full card numbers or passwords.",
    f"You are the support assistant for {COMPANY}, which sells outdoor gear, apparel and "
    "trail electronics in the US and Canada. Keep answers short and practical.",
    f"You are the support assistant for {COMPANY}. Help with orders, returns, accounts and "
    "Trail app questions, and offer to escalate to a human agent when needed.",
]

USER_OPENERS = ["", "", "", "", "Hi! ", "Hello. ", "Hi there. ", "Good morning. ", "Hey. "]
USER_CLOSERS = ["", "", "", "", " Thanks!", " Thank you.", " Thanks in advance.", " Cheers."]
ASSISTANT_OPENERS = [
    "",
    "",
    "",
    "Thanks for reaching out. ",
    "Happy to help! ",
    "Thanks for getting in touch. ",
]
SORRY_OPENERS = [
    "Sorry about the hassle. ",
    "Sorry to hear that. ",
    "That's frustrating, and we'll get it sorted. ",
]
ASSISTANT_CLOSERS = [
    "",
    "",
    "",
    " Let me know if there's anything else I can help with.",
    " Hope that helps!",
    " Happy trails!",
    " Anything else I can do for you?",
]
STEP_INTROS = ["Here's how:", "Just follow these steps:", "It only takes a minute:"]

# Each intent: id ("<category>.<name>"), products (slot group), q (question cores),
# a (answer cores; may only use slots that every q uses), optional steps, follow, bad, sorry.
# Slots: {product} {order} {amount} {date} {days} {weeks} {months} {size} {size2} {color}
# {points} {country}.
INTENTS: list[dict] = [
    # ---------------------------------------------------------------- billing
    {
        "id": "billing.double_charge",
        "sorry": True,
        "q": [
            "I was charged twice for order {order}. Can you fix that?",
            "My card shows two charges of {amount} for the same order ({order}). What happened?",
        ],
        "a": [
            "The second charge is almost certainly a pending authorization rather than a real "
            "payment. When an order is edited or a payment is retried, the bank can hold the "
            "amount twice, but only one charge settles. The extra hold on {order} should drop "
            "off within 3-7 business days; if it's still there after that, reply here and we'll "
            "contact the payment processor for you.",
            "Only one payment was captured for {order}. The duplicate you're seeing is a "
            "temporary authorization hold, which your bank releases automatically, usually "
            "within 3-7 business days. If both charges are still posted after a week, send us "
            "a screenshot of the statement and we'll open a billing investigation.",
        ],
        "follow": (
            "Is there anything I need to do with my bank?",
            "No action is needed on your side; the hold expires on its own. If your bank asks, "
            f"you can tell them it's an unsettled authorization from {COMPANY}.",
        ),
        "bad": "You were only charged once. Check your statement again.",
    },
    {
        "id": "billing.promo_code_missed",
        "q": [
            "I forgot to enter my promo code on order {order}. Can you still apply it?",
            "The discount code didn't work at checkout for order {order} and I paid full price. "
            "Can I get the discount back?",
        ],
        "a": [
            "As long as the code was valid on the day you ordered and the order is less than 14 "
            "days old, we can apply it after the fact. Reply with the code and we'll refund the "
            "difference to your original payment method; it usually shows up within 3-5 "
            "business days.",
            "Yes, we can honour a code that didn't apply, provided it was active when you "
            "placed {order} and it's been 14 days or less. Send me the code, and I'll issue a "
            "partial refund for the discount to the card or PayPal account you paid with.",
        ],
        "bad": "Codes have to be entered at checkout. There's nothing we can do now.",
    },
    {
        "id": "billing.price_drop",
        "products": "any",
        "q": [
            "I bought the {product} for {amount} and now it's on sale. Do you do price "
            "adjustments?",
            "The {product} I ordered on {date} just dropped in price. Can I get the difference "
            "back?",
        ],
        "a": [
            "We do! If the price drops within 14 days of your purchase, we'll refund the "
            "difference. Just reply with your order number and a link or screenshot of the new "
            "price. Price adjustments don't apply to flash-sale prices that last under 24 hours.",
            "Yes, we offer price adjustments within 14 days of purchase. Send over your order "
            "number and I'll refund the difference on the {product} to your original payment "
            "method. We don't match competitor prices or limited-time flash deals, though.",
        ],
        "follow": (
            "What if it goes down again next week?",
            "If it drops again and you're still within the 14 days, we'll adjust it a second "
            "time. Just send another message with the new price.",
        ),
        "bad": "Sale prices only apply to new orders.",
    },
    {
        "id": "billing.payment_methods",
        "q": [
            "What payment methods do you accept?",
            "Can I pay with PayPal, or do I need a credit card?",
        ],
        "a": [
            "We accept Visa, Mastercard, American Express, Discover, PayPal and Tallowfern gift "
            "cards. You can also combine gift cards with one other payment method at checkout.",
            "PayPal works fine, and so do Visa, Mastercard, Amex, Discover and our own gift "
            "cards. If you have a gift card, apply it first and the remaining balance can go on "
            "a card or PayPal.",
        ],
    },
    {
        "id": "billing.invoice",
        "q": [
            "Can I get an invoice with my company name on it for order {order}?",
            "I need an itemized invoice for {order} for my expense report.",
        ],
        "a": [
            'Sure. Go to Account > Orders, open {order} and choose "Download invoice". If you '
            "need a company name or a different billing address on it, reply with the details "
            "and we'll reissue the invoice within one business day.",
            "You can download an itemized PDF invoice from Account > Orders > {order} > "
            '"Download invoice". It lists each item, the tax and the shipping charge '
            "separately, which is usually what expense systems ask for.",
        ],
        "steps": [
            "Sign in and open Account > Orders.",
            'Select the order and click "Download invoice".',
            "To add a company name, reply to your order email with the name and address, and "
            "we'll reissue it within one business day.",
        ],
    },
    {
        "id": "billing.gift_card_balance",
        "q": [
            "How do I check the balance on a gift card?",
            "Does a Tallowfern gift card expire? I got one in {date} last year.",
        ],
        "a": [
            "You can check any gift card balance on the Gift Cards page by entering the card "
            "number and PIN, or at checkout, where the remaining balance is shown after you "
            "apply it. Our gift cards never expire and have no fees.",
            "Tallowfern gift cards never expire and don't lose value over time. To see the "
            "remaining balance, enter the card number and PIN on the Gift Cards page or apply "
            "the card at checkout.",
        ],
    },
    {
        "id": "billing.card_declined",
        "q": [
            "My card keeps getting declined at checkout but it works everywhere else. Why?",
            'Checkout says "payment could not be authorized" for my {amount} order. What '
            "should I do?",
        ],
        "a": [
            "Most declines come from the bank's fraud check or from a billing address that "
            "doesn't match the one your bank has on file. Double-check the billing address and "
            "ZIP code, then try again. If it still fails, your bank can approve the transaction "
            "on their end, or you can switch to PayPal.",
            "That message means the bank didn't approve the charge, and we don't see the reason "
            "on our side. Check that the ZIP code matches your card statement and that the card "
            "hasn't expired, then retry. A quick call to your bank usually clears a fraud hold "
            "in a few minutes.",
        ],
        "bad": "Use a different card.",
    },
    {
        "id": "billing.sales_tax",
        "q": [
            "Why was I charged sales tax on my order?",
            "Why is there sales tax on order {order}? I didn't expect it.",
        ],
        "a": [
            "We're required to collect sales tax in most US states, based on the shipping "
            "address. The rate depends on your state and local area, and a few states also tax "
            "the shipping charge. The exact breakdown is on your invoice under Account > Orders.",
            "Sales tax is based on where the order ships to. Most states require us to collect "
            "it, and some also tax shipping. If you're ordering for a tax-exempt organization, "
            "reply with your exemption certificate and we'll refund the tax.",
        ],
    },
    {
        "id": "billing.split_payment",
        "q": [
            "Can I split a payment between two credit cards?",
            "Is it possible to pay for part of the {product} with one card and the rest with "
            "another?",
        ],
        "a": [
            "Checkout takes one card or PayPal account per order, plus any number of gift "
            "cards. If you'd like to split the cost, one workaround is to buy a digital gift "
            "card with the first card and then use it alongside the second card.",
            "At the moment each order can use a single card or PayPal, together with as many "
            "gift cards as you like. Buying an e-gift card with one card and applying it at "
            "checkout is the easiest way to split the total.",
        ],
    },
    {
        "id": "billing.refund_not_received",
        "q": [
            "My refund for order {order} still hasn't shown up. It's been {days} days.",
            "When will I see my refund for {order}? You received the return a while ago.",
        ],
        "a": [
            "Refunds are issued within 3-5 business days after the warehouse inspects the "
            "return, and your bank may take another 2-5 business days to post it. If the return "
            "for {order} was marked received more than 10 business days ago, reply here and "
            "I'll check the refund reference with our payments team.",
            "Once a return is checked in, the refund goes back to your original payment method "
            "within 3-5 business days. Some banks show it as a pending credit for a few days "
            "before it posts. You'll also get an email with the refund amount, so check your "
            "inbox and spam folder for a message about {order}.",
        ],
        "follow": (
            "The email says the refund was issued but my bank shows nothing.",
            "In that case the money has left our side and is with your bank. Credit card "
            "refunds usually post within 5 business days; debit cards can take up to 10. Your "
            "bank can trace it using the refund date in the email.",
        ),
        "bad": "Refunds take as long as they take. Please wait.",
        "sorry": True,
    },
    {
        "id": "billing.rewards_points",
        "q": [
            "How do Basecamp Rewards points work?",
            "I have {points} Basecamp Rewards points. What can I do with them?",
        ],
        "a": [
            "You earn 1 point for every dollar spent. Every 500 points automatically turns into "
            "a $10 reward, which you can apply at checkout online or in stores. Points expire "
            "after 18 months without any account activity.",
            "Every 500 points converts into a $10 reward that appears under Account > Rewards "
            "and can be applied at checkout. Members also get free return shipping and early "
            "access to seasonal sales.",
        ],
        "follow": (
            "Can I use two rewards on the same order?",
            "Yes, you can stack as many rewards as you have on one order, and they combine with "
            "a promo code too.",
        ),
    },
    {
        "id": "billing.shipping_charge",
        "q": [
            "Why was I charged for shipping? My order was over $75.",
            "I thought shipping was free over $75, but I paid $7.50 on order {order}.",
        ],
        "a": [
            "Free standard shipping applies when the subtotal is $75 or more after discounts "
            "and before tax. If a promo code brought your subtotal under $75, the shipping "
            "charge kicks in. If it was still over $75 after discounts, send me the order "
            "number and I'll refund the shipping.",
            "The $75 threshold is checked against the subtotal after discounts, and it only "
            "covers Standard shipping; Express is $18 regardless of order size. Send me the "
            "order number and I'll double-check how the charge was calculated.",
        ],
        "bad": "Shipping is never free on sale items.",
    },
    {
        "id": "billing.financing",
        "products": "gear",
        "q": [
            "Do you offer payment plans or financing?",
            "Can I pay for the {product} in installments?",
        ],
        "a": [
            "Yes, orders of $150 or more can be paid in four interest-free installments. Choose "
            '"Pay in 4" at checkout; approval takes a few seconds and doesn\'t affect your '
            "credit score. The first installment is charged when the order ships.",
            'For orders of $150 or more, you can choose "Pay in 4" at checkout, which splits '
            "the total into four interest-free payments two weeks apart. There's no fee as long "
            "as payments are on time.",
        ],
    },
    {
        "id": "billing.canadian_dollars",
        "q": [
            "Can I pay in Canadian dollars?",
            "Are prices for Canadian orders shown in CAD? I'm looking at the {product}.",
        ],
        "a": [
            "Yes. When you ship to a Canadian address, the site switches to CAD prices, and "
            "duties and taxes are calculated and included at checkout, so there are no "
            "surprise fees on delivery.",
            "Prices for Canadian shipping addresses are shown and charged in Canadian dollars, "
            "with duties and GST/HST included at checkout. Your bank won't add a conversion "
            "fee because the charge is already in CAD.",
        ],
    },
    {
        "id": "billing.total_mismatch",
        "q": [
            "The total in my confirmation email is different from what I saw at checkout. "
            "Which one is right?",
            "Order {order} came to {amount} at checkout but the email shows a different "
            "amount. Can you explain?",
        ],
        "a": [
            "The confirmation email shows the final amount. The usual reason for a difference "
            "is sales tax, which is calculated once the full shipping address is entered, or a "
            "gift card applied after the summary loaded. If the numbers still don't add up, "
            "send the order number and I'll break it down for you.",
            "The email total is what's actually charged. Tax is finalized after the shipping "
            "address is validated, so it can shift by a little from the estimate in the cart. "
            "Your invoice under Account > Orders shows each line separately.",
        ],
    },
    {
        "id": "billing.receipt_resend",
        "q": [
            "I deleted my order confirmation. Can you resend the receipt for {order}?",
            "I never got a receipt for order {order}.",
        ],
        "a": [
            "I've queued a new copy of the receipt for {order} to the email address on your "
            "account; it should arrive within 15 minutes. You can also view or print it any "
            "time under Account > Orders.",
            "Receipts sometimes get caught by spam filters, so check there first. You can "
            "always view and print the receipt for {order} under Account > Orders, and if "
            "you'd like a fresh copy emailed, just say so.",
        ],
    },
    {
        "id": "billing.preorder_charge",
        "products": "gear",
        "q": [
            "When will I be charged for a preorder?",
            "I preordered the {product}. Why hasn't my card been charged yet?",
        ],
        "a": [
            "Preorders are authorized when you place them, but the card is only charged when "
            "the item ships. If the authorization expires before then, we renew it a few days "
            "before shipping, so you may briefly see a second pending amount.",
            "That's expected: preorders are only charged once they ship. We place a small "
            "authorization when you order and renew it shortly before shipping, and you'll get "
            "an email as soon as the charge goes through.",
        ],
    },
    {
        "id": "billing.gift_card_lost",
        "q": [
            "I lost my gift card. Can it be replaced?",
            "My Tallowfern gift card was stolen with my wallet on {date}. Can you cancel it?",
        ],
        "a": [
            "If you have the card number or the email receipt from when it was bought, we can "
            "cancel the lost card and issue a new one with the remaining balance. Without the "
            "number we have no way to find it, so check the purchaser's email first.",
            "Yes, as long as we can identify the card. Send the card number or the original "
            "purchase receipt, and we'll freeze the old card straight away and email you a new "
            "e-gift card with whatever balance was left.",
        ],
        "sorry": True,
    },
    {
        "id": "billing.discounts",
        "q": [
            "Do you have a discount for students or military?",
            "Is there a teacher or veteran discount on things like the {product}?",
        ],
        "a": [
            "Yes. Verified students, teachers, military members and veterans get 15% off "
            "full-price items. Verify once on the Discounts page and the code is added to your "
            "account for a year.",
            "We offer 15% off full-price items for students, teachers, active military and "
            "veterans. After a one-time verification on our Discounts page, the discount "
            "applies automatically at checkout for 12 months.",
        ],
    },
    {
        "id": "billing.charge_after_cancel",
        "q": [
            "I canceled order {order} but I still see the charge.",
            "Why is there still a pending charge of {amount} after I canceled my order?",
        ],
        "a": [
            "When an order is canceled before it ships, we void the payment immediately, but "
            "your bank can keep showing the pending authorization for 3-7 business days. It "
            "will disappear without ever posting as a charge.",
            "Canceled orders are never charged. What you're seeing is the original pending "
            "authorization, which banks take 3-7 business days to release. If it turns into a "
            "posted charge, reply here and we'll refund it right away.",
        ],
    },
    # --------------------------------------------------------------- shipping
    {
        "id": "shipping.options",
        "q": [
            "How long does standard shipping take?",
            "What shipping options do you have and how fast are they?",
        ],
        "a": [
            "Standard shipping takes 3-6 business days and is free on orders over $75 "
            "(otherwise $7.50). Express takes 1-2 business days for $18. Orders placed before "
            "2 pm Eastern on a business day usually leave the warehouse the same day.",
            "There are two options: Standard, 3-6 business days, free over $75 and $7.50 "
            "below that; and Express, 1-2 business days for a flat $18. Order before 2 pm "
            "Eastern on a weekday and it normally ships the same day.",
        ],
        "bad": "Shipping takes about two weeks.",
    },
    {
        "id": "shipping.international",
        "q": [
            "Do you ship to {country}?",
            "I live in {country}. Can I place an order with you?",
        ],
        "a": [
            "Right now we only ship to addresses in the United States and Canada, so we don't "
            "deliver to {country} directly. Some customers use a freight-forwarding service "
            "with a US address; warranty claims would still need to come from a US or Canadian "
            "address.",
            "We'd love to, but at the moment orders can only ship to the US and Canada. If you "
            "use a parcel forwarder with a US address, checkout will accept it, although "
            "returns have to be sent back from within the US or Canada.",
        ],
    },
    {
        "id": "shipping.change_address",
        "q": [
            "I entered the wrong shipping address for order {order}. Can you change it?",
            "Can I update the delivery address on {order}? I'm moving next week.",
        ],
        "a": [
            "If {order} hasn't been packed yet, we can change the address. Reply with the full "
            "new address and I'll update it. Once an order has a tracking number we can't edit "
            "it ourselves, but you can request a redirect through the carrier's tracking page.",
            "Yes, as long as it hasn't shipped. Send me the complete new address and I'll "
            "update {order} right away. If a tracking number has already been issued, the "
            'carrier can reroute it; there\'s a "Change delivery" option on their tracking '
            "page.",
        ],
        "follow": (
            "It already has a tracking number. Will the carrier charge me for the redirect?",
            "Some carriers charge a small fee for rerouting. If they do, send us the receipt and "
            "we'll reimburse it as store credit.",
        ),
    },
    {
        "id": "shipping.damaged",
        "products": "any",
        "sorry": True,
        "q": [
            "My {product} arrived damaged. The box was completely crushed.",
            "Order {order} came today and the {product} inside is broken.",
        ],
        "a": [
            "Please send a couple of photos of the damage and the shipping box, and we'll ship "
            "a replacement {product} right away at no cost. You don't need to return the "
            "damaged one first, and if you'd rather have a refund, just say so.",
            "That shouldn't happen. Reply with a photo of the {product} and the outer box, and "
            "I'll send a replacement by Express at no charge. We'll handle the claim with the "
            "carrier, so there's nothing else you need to do.",
        ],
        "follow": (
            "What should I do with the broken one?",
            "You can recycle it or keep it for parts. If we need it back for the carrier claim, "
            "we'll email you a prepaid label within a few days.",
        ),
        "bad": "Damage is the carrier's fault, so file a claim with them.",
    },
    {
        "id": "shipping.missing_item",
        "products": "gear",
        "sorry": True,
        "q": [
            "My package arrived but the {product} is missing.",
            "Order {order} was supposed to include the {product} but it wasn't in the box.",
        ],
        "a": [
            "Large orders sometimes ship in more than one box, so check your shipping emails "
            "for a second tracking number first. If everything has arrived and the {product} "
            "still isn't there, let me know and we'll send it by Express at no charge.",
            "The {product} may be coming separately; items from different warehouses ship in "
            "their own boxes. Your shipping emails will show a second tracking number if so. "
            "If not, reply here and we'll ship a new one straight away.",
        ],
    },
    {
        "id": "shipping.delivered_not_received",
        "products": "any",
        "sorry": True,
        "q": [
            "Tracking says my order was delivered but I don't have it.",
            "My {product} shows as delivered on {date}, but there's nothing at my door.",
        ],
        "a": [
            "Packages marked delivered sometimes turn up a day later, or are left with a "
            "neighbour, in a parcel locker or at a side door. If it hasn't appeared within 48 "
            "hours of the delivery scan, reply here and we'll open a claim with the carrier and "
            "send a replacement.",
            "First, check around the property and with neighbours, since drivers sometimes "
            "scan packages a little early. If there's still no sign of it after 48 hours, let "
            "us know and we'll file a carrier claim and reship the order.",
        ],
        "bad": "The tracking says delivered, so it was delivered.",
    },
    {
        "id": "shipping.expedite",
        "q": [
            "Can I upgrade order {order} to express shipping? I need it by {date}.",
            "My trip starts on {date}. Can you speed up shipping on my order?",
        ],
        "a": [
            "If the order hasn't shipped yet, we can switch it to Express (1-2 business days) "
            "for the $18 difference. Reply to confirm and I'll update it; whether it arrives by "
            "{date} depends on when it leaves the warehouse, and I'll send you the new "
            "estimate.",
            "As long as it's still in the warehouse, I can upgrade it to Express for $18. "
            "Express orders placed before 2 pm Eastern ship the same day and arrive in 1-2 "
            "business days, which should get it to you before {date}.",
        ],
    },
    {
        "id": "shipping.po_box",
        "products": "oversize",
        "q": [
            "Do you ship to PO boxes?",
            "Can the {product} be sent to my PO box?",
        ],
        "a": [
            "Yes, Standard shipping can go to PO boxes and APO/FPO addresses. Express orders "
            "and oversized items like packrafts and large tents need a street address.",
            "PO boxes work for Standard shipping on most items, but oversized items and Express "
            "orders need a street address because the carrier won't deliver them to a box.",
        ],
    },
    {
        "id": "shipping.split_shipment",
        "q": [
            "Why did my order come in two separate boxes?",
            "I got two shipping emails for order {order}. Is that normal?",
        ],
        "a": [
            "Yes, that's normal. When items are stocked in different warehouses we ship them "
            "separately so nothing is held up, and you aren't charged extra shipping. Each box "
            "has its own tracking number in the shipping emails.",
            "That happens when the items come from different warehouses. We send each part as "
            "soon as it's ready rather than waiting, at no extra cost, and every box gets its "
            "own tracking link.",
        ],
    },
    {
        "id": "shipping.store_pickup",
        "products": "any",
        "q": [
            "Can I pick up my online order in a store?",
            "Is in-store pickup available for the {product}?",
        ],
        "a": [
            'Yes, choose "Pick up in store" at checkout and select a location. Most orders '
            "are ready within 2 hours during opening hours, and we'll email you when yours is. "
            "Bring a photo ID and the confirmation email; we hold orders for 7 days.",
            'In-store pickup is free. Pick "Pick up in store" at checkout, choose your '
            'store, and wait for the "ready for pickup" email, usually within 2 hours. '
            "Orders are held for 7 days.",
        ],
        "steps": [
            "Add the items to your cart and go to checkout.",
            'Choose "Pick up in store" and select a location.',
            'Wait for the "Ready for pickup" email (usually within 2 hours).',
            "Bring a photo ID and your confirmation email; we hold orders for 7 days.",
        ],
    },
    {
        "id": "shipping.signature",
        "q": [
            "Does my order need a signature on delivery?",
            "Will someone need to sign for order {order}? I won't be home.",
        ],
        "a": [
            "Only orders over $500 require a signature. If you won't be home, you can use the "
            "carrier's tracking page to authorize release without a signature or reroute the "
            "package to a pickup point.",
            "A signature is only required for orders over $500. For anything else the driver "
            "leaves it at the door, and you can use the tracking page to send it to a pickup "
            "point instead if you prefer.",
        ],
    },
    {
        "id": "shipping.cancel_before_ship",
        "products": "any",
        "q": [
            "Can I still cancel order {order}? I just placed it.",
            "I ordered the wrong {product}. Can I cancel before it ships?",
        ],
        "a": [
            "Orders can be canceled within 30 minutes of being placed from Account > Orders > "
            "Cancel. After that the warehouse may already be picking it, but reply here quickly "
            "and we'll try to stop it. If it ships anyway, you can simply return it.",
            "You have 30 minutes after ordering to cancel it yourself under Account > Orders. "
            "If that window has passed, send me the order number and I'll ask the warehouse to "
            "pull it; if it's already packed, a return is the fallback.",
        ],
    },
    {
        "id": "shipping.oversize_fee",
        "products": "oversize",
        "q": [
            "Why is there an extra shipping charge on the {product}?",
            "Checkout added a surcharge when I put the {product} in my cart. What is it for?",
        ],
        "a": [
            "The {product} ships as an oversized item, so it carries a $25 handling surcharge, "
            "even on orders over $75. The surcharge covers freight handling and is shown in the "
            "cart before you check out.",
            "That's our $25 oversize surcharge. The {product} is too large for regular parcel "
            "service, so it goes by freight, and the surcharge applies even when the rest of "
            "the order ships free.",
        ],
    },
    {
        "id": "shipping.weekends",
        "q": [
            "Do you deliver on weekends?",
            "If I order the {product} on Friday night, will it ship on Saturday?",
        ],
        "a": [
            "Our warehouse ships Monday through Friday, so orders placed over the weekend go "
            "out on Monday. The carrier delivers on Saturdays in many areas, but Sunday delivery "
            "isn't available.",
            "Orders placed after 2 pm Eastern on Friday ship on Monday, because the warehouse "
            "is closed at weekends. Once it's on its way, Saturday delivery is possible in many "
            "areas.",
        ],
    },
    {
        "id": "shipping.backorder",
        "products": "any",
        "q": [
            "The {product} says backordered. When will it ship?",
            "I ordered the {product} but the status says backorder. How long will that take?",
        ],
        "a": [
            "Backordered items usually ship within 2-3 weeks, and the estimated date appears "
            "under Account > Orders. You won't be charged until it ships, and if you'd rather "
            "not wait you can cancel the backordered item there at any time.",
            "The current estimate for the {product} is 2-3 weeks, and the exact date is shown "
            "on the order page. Nothing is charged until it ships, and the rest of your order "
            "goes out as normal.",
        ],
        "follow": (
            "Will you let me know when it ships?",
            "Yes, you'll get a shipping email with tracking as soon as it leaves the warehouse.",
        ),
    },
    {
        "id": "shipping.gift",
        "q": [
            "Can I send an order as a gift with no prices on the packing slip?",
            "I want to ship the {product} straight to my brother as a present. Will he see the "
            "price?",
        ],
        "a": [
            'Yes. At checkout, tick "This is a gift" and add a message if you like. The '
            "packing slip will show the items and your message but no prices, and the receipt "
            "is emailed to you instead of the recipient.",
            'Not if you tick "This is a gift" at checkout. Gift orders ship with a packing '
            "slip that lists the items and your message without prices, and the receipt only "
            "goes to you.",
        ],
    },
    {
        "id": "shipping.fuel",
        "q": [
            "Can you ship fuel canisters with my Emberlite camp stove?",
            "Why can't I add stove fuel to an Express order?",
        ],
        "a": [
            "Fuel canisters are classed as hazardous materials, so they can only ship by "
            "Standard ground service to addresses in the contiguous US. They can't go by "
            "Express or to Alaska, Hawaii or Canada. Most of our stores stock fuel if you need "
            "it sooner.",
            "Stove fuel counts as a hazardous material, and carriers only accept it for ground "
            "shipping within the contiguous US. Put the fuel on a separate Standard order or "
            "pick it up at a store.",
        ],
    },
    {
        "id": "shipping.address_validation",
        "q": [
            "Checkout says my address can't be verified.",
            "Why does checkout keep rejecting my new address? The building was finished in {date}.",
        ],
        "a": [
            "New or rural addresses sometimes aren't in the carrier's database yet. Check the "
            'ZIP code and unit number, then choose "Use address as entered" when the warning '
            "appears. The order will still ship normally.",
            "New buildings can take a few months to show up in the carrier's address lookup. "
            'You can continue by choosing "Use address as entered"; add a unit number or '
            "delivery note if the building has one.",
        ],
    },
    {
        "id": "shipping.packaging",
        "q": [
            "Do you use plastic-free packaging?",
            "The {product} came in a lot of packaging. Can I ask for less?",
        ],
        "a": [
            "Most orders ship in recycled cardboard with paper tape and paper fill. A few items "
            "arrive in poly bags from the manufacturer, which protect them from moisture; those "
            "can be dropped at most grocery-store film recycling bins.",
            "We're working on it. You can tick \"Minimal packaging\" at checkout, and we'll "
            "combine items into as few boxes as possible with paper fill only. Manufacturer "
            "bags are sometimes needed to keep items dry.",
        ],
    },
    # ---------------------------------------------------------------- returns
    {
        "id": "returns.policy",
        "q": [
            "What is your return policy?",
            "How long do I have to return the {product}?",
        ],
        "a": [
            "You have 60 days from delivery to return unused gear and apparel in its original "
            "condition, and 30 days for electronics. Start the return under Account > Orders, "
            "print the label and drop the package at any carrier location. Refunds go back to "
            "the original payment method.",
            "Unused gear and clothing can be returned within 60 days of delivery; electronics "
            "have a 30-day window. Returns are started online under Account > Orders or at any "
            "store, and the refund goes to the original payment method.",
        ],
        "bad": "You have 14 days to return anything, and you pay for shipping.",
    },
    {
        "id": "returns.how_to",
        "products": "any",
        "q": [
            "How do I return the {product}?",
            "I want to send back the {product} from order {order}. What are the steps?",
        ],
        "a": [
            'Go to Account > Orders, find the order and click "Start a return". Pick the '
            "{product}, choose a reason and print the prepaid label. Pack it in any sturdy box, "
            "attach the label and drop it at a carrier location; we'll email you when it's "
            "received.",
            'Start under Account > Orders by clicking "Start a return" next to the order. '
            "Select the {product}, choose refund or exchange, and print the label. Once the "
            "carrier scans the package, you'll get a confirmation email.",
        ],
        "steps": [
            "Sign in and open Account > Orders.",
            'Click "Start a return" next to the order.',
            "Select the item and a reason, then print the prepaid label.",
            "Pack the item, attach the label, and drop it at any carrier location.",
        ],
        "follow": (
            "I don't have a printer. Can I still return it?",
            'Yes. Choose "QR code" instead of "Print label", and the carrier will print the '
            "label for you when you show the code at the counter.",
        ),
        "bad": "Just mail it back to us.",
    },
    {
        "id": "returns.label_cost",
        "q": [
            "Is return shipping free?",
            "Do I have to pay for the return label on order {order}?",
        ],
        "a": [
            "Return shipping is free for Basecamp Rewards members. For everyone else, $6.95 is "
            "deducted from the refund for the prepaid label. Exchanges and returns of damaged "
            "or incorrect items are always free.",
            "It depends: Basecamp Rewards members get free return labels, and otherwise $6.95 "
            "is taken off the refund. If you're exchanging the item, or it arrived damaged or "
            "wrong, there's no charge at all.",
        ],
        "follow": (
            "Can I join Basecamp Rewards now and get the free label?",
            "Yes. Membership is free, and if you join before starting the return, the label fee "
            "is waived.",
        ),
        "bad": "Return shipping is always $15.",
    },
    {
        "id": "returns.exchange_size",
        "products": "apparel",
        "q": [
            "Can I exchange the {product} for a size {size2}?",
            "The {product} in size {size} doesn't fit. How do I swap it for another size?",
        ],
        "a": [
            'Exchanges are free. Start a return under Account > Orders, choose "Exchange" '
            'instead of "Refund" and pick the new size. We ship the replacement as soon as the '
            "carrier scans your return, so you don't have to wait for it to reach us.",
            'Sure. Choose "Exchange" when you start the return under Account > Orders and '
            "select the size you want. The new {product} ships as soon as your return is "
            "scanned by the carrier, and the exchange is free.",
        ],
        "steps": [
            'Open Account > Orders and click "Start a return".',
            'Choose "Exchange" instead of "Refund" and pick the new size.',
            "Print the free label and drop the package off.",
            "We ship the replacement as soon as the carrier scans your return.",
        ],
        "follow": (
            "What if the new size is out of stock?",
            "Then we'll let you pick a different colour or issue a full refund instead, with no "
            "label fee.",
        ),
    },
    {
        "id": "returns.used_item",
        "products": "gear",
        "q": [
            "Can I return a tent I've already used on one trip?",
            "I used the {product} once and it isn't for me. Can I still return it?",
        ],
        "a": [
            "We accept returns of lightly used gear within 60 days if it's clean and undamaged, "
            "though used items may be refunded as store credit rather than to your card. If the "
            "problem is a defect rather than fit or preference, the warranty covers it instead.",
            "Yes, within 60 days, as long as it's clean, dry and undamaged. Used gear is "
            "usually refunded as store credit. If something is actually wrong with it, tell us "
            "what happened, because defects get a full refund or replacement.",
        ],
        "bad": "Used items can never be returned.",
    },
    {
        "id": "returns.gift_no_receipt",
        "products": "any",
        "q": [
            "I got a {product} as a gift. Can I return it without a receipt?",
            "Someone gave me the {product} and I already have one. How do I return it?",
        ],
        "a": [
            "Yes. Use the gift return option on our Returns page with the order number from the "
            "packing slip, or bring it to any store. Gift returns are refunded as a Tallowfern "
            "gift card, and the person who bought it won't be notified.",
            "No receipt needed. Enter the order number from the packing slip on the Returns "
            'page and choose "Gift return", or take it to a store. You\'ll get a gift card for '
            "the value, and the giver isn't told.",
        ],
    },
    {
        "id": "returns.final_sale",
        "products": "any",
        "q": [
            "Can I return an item I bought on clearance?",
            "Is the {product} I got in the warehouse sale returnable?",
        ],
        "a": [
            "Items marked \"Final sale\" at checkout can't be returned or exchanged, but they're "
            "still covered by the warranty if they're defective. Regular sale and clearance "
            "items without that label follow the normal 60-day policy.",
            'It depends on the label. Warehouse-sale items marked "Final sale" aren\'t '
            "returnable, though defects are still covered by the warranty. Anything without "
            "that label can be returned within the usual 60 days.",
        ],
    },
    {
        "id": "returns.in_store",
        "q": [
            "Can I return an online order at a store?",
            "Can I take back order {order} at my local Tallowfern store instead of mailing it?",
        ],
        "a": [
            "Yes, any Tallowfern store can take back an online order. Bring the item and your "
            "order number or confirmation email; the refund goes to the original payment method "
            "and there's no label fee.",
            "Absolutely. Bring the items and the order confirmation to any store. In-store "
            "returns are refunded to the original payment method, and you skip the $6.95 label "
            "fee.",
        ],
    },
    {
        "id": "returns.store_credit",
        "q": [
            "Can I get store credit instead of a refund?",
            "I'd rather have store credit for the {product}. Is that possible?",
        ],
        "a": [
            'Sure. When you start the return, choose "Store credit" as the refund type. Store '
            "credit is issued as soon as the carrier scans the package, and we add a 10% bonus "
            "on top of the refund amount.",
            'Yes, and it\'s faster: choose "Store credit" when you start the return, and the '
            "credit, plus a 10% bonus, lands in your account as soon as the package is scanned.",
        ],
    },
    {
        "id": "returns.window_expired",
        "products": "any",
        "q": [
            "I bought the {product} {weeks} weeks ago. Is it too late to return it?",
            "My {product} is just past the 60-day return window. Any chance I can still send "
            "it back?",
        ],
        "a": [
            "Our return window is 60 days from delivery, so that order is outside it for a "
            "standard return. If the {product} has a defect, though, the warranty still "
            "applies and we can repair or replace it. Tell me what's wrong and I'll check the "
            "options.",
            "Standard returns close at 60 days, so a refund isn't possible anymore. If there's "
            "a fault with the {product}, it's still covered by the warranty, and a repair or "
            "replacement is on the table.",
        ],
        "bad": "No. Rules are rules.",
    },
    {
        "id": "returns.wrong_item",
        "products": "apparel",
        "sorry": True,
        "q": [
            "I ordered the {product} in {color} but got a different colour.",
            "Order {order} has the {product} in the wrong colour; I picked {color}.",
        ],
        "a": [
            "Apologies for the mix-up. We'll send the {color} {product} by Express today; use "
            "the prepaid label in the shipping email to send the wrong one back within 30 days. "
            "There's no cost to you for either shipment.",
            "That's our mistake. I've arranged for the {product} in {color} to go out by "
            "Express at no charge, and you'll get a free return label for the one you received. "
            "No need to wait for it to reach us.",
        ],
    },
    {
        "id": "returns.status",
        "q": [
            "I dropped off my return last week. Has it arrived?",
            "How can I check the status of the return for order {order}?",
        ],
        "a": [
            "You can follow the return under Account > Orders > Returns, which shows the "
            "carrier scans and when the warehouse checks it in. Returns typically take 5-8 "
            "business days to reach us, and you'll get an email as soon as it's processed.",
            "Open Account > Orders > Returns to see each carrier scan and the check-in date. "
            "Most returns arrive within 5-8 business days of drop-off, and the refund follows "
            "within 3-5 business days after inspection.",
        ],
    },
    {
        "id": "returns.multiple_orders",
        "q": [
            "Can I return two items from different orders in one box?",
            "I want to send back items from order {order} and another order together. Is that OK?",
        ],
        "a": [
            "Yes, but start a separate return for each order so both are linked to the "
            "package. Print either label, put both items in the box with both return slips, "
            "and drop it off; the warehouse matches each item to the right order.",
            "That's fine. Create a return for each order, include both return slips in the "
            "box, and use just one of the labels. The warehouse will process each return "
            "against its own order.",
        ],
    },
    {
        "id": "returns.opened_electronics",
        "products": "electronics",
        "q": [
            "Can I return the {product} if I've opened the box?",
            "I unboxed the {product} and set it up once. Can it still go back?",
        ],
        "a": [
            "Yes. Opened electronics can be returned within 30 days as long as all the "
            "accessories, cables and manuals are included and the device has been reset to "
            "factory settings. After 30 days, the 2-year warranty covers any defects.",
            "Yes, within 30 days of delivery. Please reset the {product} to factory settings, "
            "remove it from your Trail app account and include everything that came in the "
            "box. After that window, defects are handled under the 2-year warranty.",
        ],
    },
    {
        "id": "returns.refund_amount",
        "q": [
            "My refund for order {order} was less than I paid. Why?",
            "I only got {amount} back for order {order}, which is less than I paid.",
        ],
        "a": [
            "The most common reasons are the $6.95 return label fee for non-members, a "
            "promotion that was spread across several items, or the original shipping cost, "
            "which isn't refunded unless the item was faulty. Reply with the amount you "
            "expected and I'll check the calculation for {order}.",
            "Refunds exclude the $6.95 label fee for non-members and the original shipping "
            "charge, and any order-level discount is split across the items. I'm happy to go "
            "through the numbers for {order} line by line if it still looks wrong.",
        ],
    },
    {
        "id": "returns.warranty_zipper",
        "products": "packs",
        "q": [
            "The zipper on my {product} broke after {months} months. Is that covered?",
            "The main zip on my {product} split. Can you fix it?",
        ],
        "a": [
            "Yes, zippers are covered by our lifetime workmanship warranty on packs and "
            "outerwear. Start a warranty claim from the Help Center with a photo of the zipper, "
            "and we'll repair the {product} or replace it if a repair isn't possible. Shipping "
            "to our repair center is free.",
            "That's covered. Send a photo through the warranty form in the Help Center, and "
            "we'll email a free label to our repair center. Zipper repairs on the {product} "
            "usually take about two weeks, including shipping.",
        ],
        "follow": (
            "Can I drop it off at a store instead?",
            "Yes, any store can take it in for repair and will ship it to the repair center for "
            "you.",
        ),
    },
    {
        "id": "returns.boots_indoors",
        "q": [
            "Can I return hiking boots if I've only worn them indoors?",
            "I tried the boots from order {order} around the house and they pinch. Can I "
            "return them?",
        ],
        "a": [
            "Yes, and that's exactly how we recommend testing boots. As long as the soles are "
            "clean and unmarked, you can return or exchange them within 60 days.",
            "Of course. Wearing boots indoors is the right way to check the fit, and clean, "
            "unworn soles mean they're fully returnable within 60 days. An exchange for a "
            "different size is free.",
        ],
    },
    {
        "id": "returns.lost_label",
        "q": [
            "I lost the return label for order {order}. Can I get a new one?",
            "The return label I printed got wet. How do I get another one?",
        ],
        "a": [
            "No problem. Open Account > Orders > Returns, select the return and click "
            '"Reprint label". The label stays valid for 30 days from when the return was '
            "started.",
            "You can reprint it any time from Account > Orders > Returns. If the return was "
            "started more than 30 days ago the label will have expired, so reply here and I'll "
            "issue a fresh one.",
        ],
    },
    {
        "id": "returns.closed_card",
        "q": [
            "The card I paid with is closed now. Where will my refund go?",
            "I cancelled the credit card I used for order {order}. What happens to my refund?",
        ],
        "a": [
            "The refund is still sent to the original card, and your bank is required to pass "
            "it on, usually as a check or a credit to your new card. If that's a hassle, we can "
            "issue store credit instead.",
            "Refunds always go back to the original card; when it's closed, the bank forwards "
            "the money to your new account or sends a check. You can also choose store credit "
            "when you start the return.",
        ],
    },
    {
        "id": "returns.trade_in",
        "products": "gear",
        "q": [
            "Do you have a trade-in program for old gear?",
            "Can I trade in my old {product} for credit?",
        ],
        "a": [
            "Yes, our Second Trail program takes back tents, packs, sleeping bags and outerwear "
            "in good condition in exchange for store credit. Bring items to any store for an "
            "on-the-spot quote.",
            "You can, through the Second Trail program. Bring it to a store, and if it's in "
            "usable condition we'll give you store credit; worn-out gear is recycled for free.",
        ],
    },
    # ---------------------------------------------------------------- account
    {
        "id": "account.reset_password",
        "q": [
            "How do I reset my password?",
            "I forgot my password and the app won't let me sign in.",
            "What's the quickest way back into my account if I can't remember the password?",
        ],
        "a": [
            'Click "Forgot password?" on the sign-in page and enter the email on your '
            "account. We'll send a reset link that's valid for 30 minutes. If the email doesn't "
            "arrive within a few minutes, check your spam folder.",
            'Tap "Forgot password?" on the sign-in screen and enter your account email. The '
            "reset link is valid for 30 minutes; after you set a new password, sign in again on "
            "each device.",
        ],
        "steps": [
            'Go to the sign-in page and click "Forgot password?".',
            "Enter the email address on your account.",
            "Open the reset email (check spam) and click the link within 30 minutes.",
            "Choose a new password and sign in again.",
        ],
        "follow": (
            "The link says it expired.",
            "Reset links last 30 minutes. Request a new one and use the most recent email; "
            "older links stop working once a new one is sent.",
        ),
    },
    {
        "id": "account.change_email",
        "q": [
            "How can I change the email address on my account?",
            "I have a new email address. How do I update it on my Tallowfern account?",
        ],
        "a": [
            'Go to Account > Settings > Profile and click "Edit" next to your email. We\'ll '
            "send a confirmation link to the new address, and the change takes effect once you "
            "click it. Your order history and points stay with the account.",
            'Under Account > Settings > Profile, choose "Edit" next to the email field and '
            "enter the new address. Confirm it from the link we send, and you'll sign in with "
            "the new address from then on.",
        ],
    },
    {
        "id": "account.delete",
        "q": [
            "How do I delete my account?",
            "I'd like my account and my data removed, please.",
            "Can you close my Tallowfern account for good?",
        ],
        "a": [
            'You can delete your account under Account > Settings > Privacy > "Delete '
            'account". Deletion is completed within 30 days; we keep order records only as '
            "long as tax rules require. Unused points and store credit are lost, so use them "
            "first if you can.",
            'Go to Account > Settings > Privacy and choose "Delete account". We confirm by '
            "email and finish the deletion within 30 days. Order records are kept only for the "
            "period tax law requires, and any points or store credit are forfeited.",
        ],
        "steps": [
            "Sign in and open Account > Settings > Privacy.",
            'Click "Delete account" and confirm.',
            "Click the confirmation link we email you.",
            "Deletion finishes within 30 days; points and store credit are forfeited.",
        ],
    },
    {
        "id": "account.locked",
        "q": [
            "My account says it's locked after too many login attempts.",
            "I'm locked out of my account. What do I do?",
        ],
        "a": [
            "For security, accounts lock for 30 minutes after 5 failed sign-in attempts. After "
            'that you can try again, or use "Forgot password?" to set a new password, which '
            "unlocks the account immediately.",
            "The lock lifts automatically after 30 minutes. If you'd rather not wait, a "
            'password reset through "Forgot password?" unlocks it straight away.',
        ],
    },
    {
        "id": "account.two_factor",
        "q": [
            "How do I turn on two-factor authentication?",
            "Can I use an authenticator app to secure my account?",
            "Is there a way to add a second verification step when I sign in?",
        ],
        "a": [
            'Yes. Go to Account > Settings > Security and choose "Two-factor authentication". '
            "Scan the QR code with your authenticator app, enter the 6-digit code to confirm, "
            "and save the backup codes somewhere safe.",
            "Two-factor authentication is under Account > Settings > Security. Any standard "
            "authenticator app works: scan the QR code, type in the code it shows, and keep the "
            "backup codes in a safe place.",
        ],
        "steps": [
            "Open Account > Settings > Security.",
            'Choose "Two-factor authentication" and scan the QR code with your app.',
            "Enter the 6-digit code to confirm.",
            "Save the backup codes somewhere safe.",
        ],
    },
    {
        "id": "account.lost_2fa",
        "q": [
            "I got a new phone and lost my authenticator codes. How do I get into my account?",
            "My phone broke and now I can't pass the two-factor check.",
        ],
        "a": [
            "Use one of the backup codes you saved when you set up two-factor authentication; "
            "each works once. If you don't have them, reply here and we'll send an identity "
            "check to the email on file, then disable two-factor so you can set it up again.",
            "A backup code will get you in; each one can be used once. Without backup codes, "
            "we can verify you through the email on the account and then switch two-factor off "
            "so you can re-enroll on your new phone.",
        ],
    },
    {
        "id": "account.guest_order",
        "q": [
            "I checked out as a guest. Can I add that order to my new account?",
            "Order {order} was a guest checkout. Can it be linked to my account?",
        ],
        "a": [
            "Yes. Create the account with the same email you used for the guest order, and it "
            "will be linked automatically within an hour. Orders from the last 12 months also "
            "earn Basecamp Rewards points retroactively.",
            "If the account uses the same email address as the guest checkout, the order links "
            "itself within an hour. Otherwise, reply with the email used at checkout and we'll "
            "attach it manually.",
        ],
    },
    {
        "id": "account.unsubscribe",
        "q": [
            "How do I stop getting marketing emails?",
            "You're sending me too many promotional emails. How do I turn them off?",
            "Can I opt out of newsletters but still get shipping updates?",
        ],
        "a": [
            'Click "Unsubscribe" at the bottom of any marketing email, or go to Account > '
            "Settings > Notifications and turn off promotional emails. Order and shipping "
            "emails will still come through.",
            "Sorry about the inbox clutter. Under Account > Settings > Notifications you can "
            "switch off promotions entirely or choose a monthly digest instead. Order updates "
            "aren't affected.",
        ],
        "steps": [
            "Open Account > Settings > Notifications.",
            'Turn off "Promotional emails" (or choose "Monthly digest").',
            "Save. Order and shipping emails still arrive as usual.",
        ],
    },
    {
        "id": "account.merge",
        "q": [
            "I have two accounts with different emails. Can you merge them?",
            "Can you combine my old account and my new one? My points are split between them.",
        ],
        "a": [
            "We can. Reply from the email address of one account and tell us the other; we'll "
            "send a confirmation link to both, and once both are confirmed we'll combine order "
            "history, points and store credit into the account you choose.",
            "Yes. Tell us which email should remain, confirm the links we send to both "
            "addresses, and we'll move the orders, points and store credit over within two "
            "business days.",
        ],
    },
    {
        "id": "account.address_book",
        "q": [
            "How do I save a second shipping address?",
            "Can I keep my cabin address on file as well as my home address?",
        ],
        "a": [
            'Under Account > Addresses, click "Add address" and fill in the details. You can '
            "mark any saved address as the default, and all of them show up as options at "
            "checkout.",
            "Yes, you can save as many addresses as you like under Account > Addresses. Pick "
            "one as the default and choose any of the others at checkout.",
        ],
    },
    {
        "id": "account.rewards_missing",
        "q": [
            "My points from order {order} didn't show up in my rewards balance.",
            "I didn't get any Basecamp Rewards points for order {order}.",
        ],
        "a": [
            "Points post once an order has shipped and the 14-day price adjustment window has "
            "closed, so they can take a little over two weeks to appear. If it's been longer "
            "than that for {order}, let me know and I'll add them manually.",
            "Points for {order} are added about 14 days after it ships, once the price "
            "adjustment window closes. If that's passed, check that you were signed in when "
            "you ordered; if not, I can add the points for you.",
        ],
    },
    {
        "id": "account.order_history",
        "q": [
            "Why can't I see my older orders in my account?",
            "My order history only goes back a few years. Where are my older purchases?",
        ],
        "a": [
            "Order history shows purchases from the last 3 years. For older orders, reply with "
            "the approximate date and the email you used, and we'll look them up and send you a "
            "copy of the receipt.",
            "The account page keeps 3 years of orders. Anything older is archived, but we can "
            "still find it; send the rough date and the email used, and we'll email you the "
            "receipt.",
        ],
    },
    {
        "id": "account.name_change",
        "q": [
            "How do I change the name on my account?",
            "I got married and changed my last name. How do I update my profile?",
        ],
        "a": [
            "Go to Account > Settings > Profile and edit your first and last name. The change "
            "applies to future orders; existing orders and receipts keep the name they were "
            "placed under.",
            "Congratulations! Update it under Account > Settings > Profile. New orders will use "
            "the new name, while past receipts stay as they were.",
        ],
    },
    {
        "id": "account.join_rewards",
        "q": [
            "How do I join Basecamp Rewards? Is there a fee?",
            "Is Basecamp Rewards free to join?",
        ],
        "a": [
            'Basecamp Rewards is free. Sign in, go to Account > Rewards and click "Join"; '
            "you'll start earning on your next order. Members get free return shipping, 1 "
            "point per dollar and early access to seasonal sales.",
            "Yes, it's completely free. Join under Account > Rewards, and you'll earn a point "
            "per dollar, get free return labels and hear about sales first.",
        ],
    },
    {
        "id": "account.suspicious_login",
        "q": [
            "I got an email about a sign-in from a new device that wasn't me.",
            "Someone may have logged into my account. What should I do?",
        ],
        "a": [
            "Please change your password right away from Account > Settings > Security and "
            'choose "Sign out of all devices". Then turn on two-factor authentication. If you '
            "see any orders you don't recognize, reply here and we'll cancel them.",
            'Reset your password now, then use "Sign out of all devices" under Account > '
            "Settings > Security and enable two-factor authentication. We'll review recent "
            "activity and cancel anything you didn't place.",
        ],
        "follow": (
            "I don't see any strange orders. Is my card safe?",
            "We never store full card numbers, only a token from the payment processor, so "
            "card details can't be read from your account. Keeping two-factor on is the best "
            "protection from here.",
        ),
    },
    {
        "id": "account.verification_email",
        "q": [
            "I never got the verification email for my new account.",
            "The account activation link hasn't arrived. Can you resend it?",
        ],
        "a": [
            "Check your spam or promotions folder first. If it's not there, sign in and click "
            '"Resend verification" on the banner at the top of the page; the link is valid '
            "for 24 hours.",
            'Verification emails can take up to 10 minutes. If nothing arrives, use "Resend '
            'verification" after signing in, and make sure the address on the account has no '
            "typos.",
        ],
    },
    {
        "id": "account.phone_update",
        "q": [
            "How do I update the phone number on my account?",
            "Where do I change the mobile number you send delivery texts to?",
        ],
        "a": [
            "Go to Account > Settings > Profile and edit the phone number. We'll text a code to "
            "the new number to confirm it, and delivery texts will go there from then on.",
            "Update it under Account > Settings > Profile. Confirm the code we text to the new "
            "number, and all shipping alerts switch over straight away.",
        ],
    },
    {
        "id": "account.wishlist",
        "products": "any",
        "q": [
            "How do I share my wish list?",
            "Can I send my wish list with the {product} on it to my family?",
        ],
        "a": [
            'Open Account > Wish list and click "Share". You can copy a link or send it by '
            "email, and anyone with the link can view the list and buy items from it.",
            'Sure. Go to Account > Wish list, choose "Share" and copy the link. People with '
            "the link can see and buy from your list, and items bought from it are marked so "
            "nobody doubles up.",
        ],
    },
    {
        "id": "account.data_download",
        "q": [
            "Can I get a copy of the data you have about me?",
            "How do I download my personal data from my account?",
        ],
        "a": [
            'Yes. Go to Account > Settings > Privacy and click "Download my data". We\'ll email '
            "a link to a ZIP file with your profile, orders and rewards history within 48 hours.",
            'Use "Download my data" under Account > Settings > Privacy. A download link '
            "arrives by email within 48 hours and stays valid for 7 days.",
        ],
    },
    # -------------------------------------------------------------- technical
    {
        "id": "technical.watch_sync",
        "products": "watch",
        "q": [
            "My {product} won't sync with the Trail app.",
            "The Trail app can't find my {product} anymore.",
        ],
        "a": [
            "Make sure Bluetooth is on and the Trail app has location permission. Then remove "
            "the watch from your phone's Bluetooth list, restart both devices and pair again "
            "from the app under Devices > Add device. If it still won't connect, check that the "
            "watch has the latest firmware.",
            "Let's re-pair it. Forget the {product} in your phone's Bluetooth settings, restart "
            "the phone and the watch, then open the Trail app and go to Devices > Add device. "
            "Keep the watch within a few feet of the phone while it pairs.",
        ],
        "steps": [
            "Turn Bluetooth on and allow the Trail app to use location.",
            "Forget the watch in your phone's Bluetooth settings.",
            "Restart the phone and the watch.",
            "In the Trail app, go to Devices > Add device and pair again.",
        ],
        "follow": (
            "It paired, but my last two hikes are missing.",
            "Activities stay on the watch until they sync, so they should upload on the next "
            "sync. Open the app, pull down on the activity list and wait a minute.",
        ),
        "bad": "Buy a new phone, the app only supports new ones.",
    },
    {
        "id": "technical.firmware_update",
        "products": "firmware",
        "q": [
            "How do I update the firmware on my {product}?",
            "Is there a software update for the {product}, and how do I install it?",
        ],
        "a": [
            'Open the Trail app, go to Devices, select your {product} and tap "Check for '
            'updates". Keep the device on its charger and near your phone during the update, '
            "which takes about 10 minutes. Don't close the app until it says the update is "
            "complete.",
            'Updates are installed through the Trail app: Devices > {product} > "Check for '
            'updates". The device should be charging and close to your phone, and the whole '
            "process takes around 10 minutes.",
        ],
        "steps": [
            "Put the device on its charger, near your phone.",
            "In the Trail app, open Devices and select the device.",
            'Tap "Check for updates", then "Install".',
            'Keep the app open until it says "Update complete" (about 10 minutes).',
        ],
    },
    {
        "id": "technical.factory_reset",
        "products": "watch",
        "q": [
            "How do I factory reset my {product}?",
            "I want to wipe my {product} before giving it to my son. How?",
        ],
        "a": [
            "Hold the top and bottom buttons together for 15 seconds until the screen goes "
            'dark, then choose "Factory reset" from the menu when it restarts. This erases '
            "activities that haven't synced, so sync with the Trail app first if you can.",
            "Sync it one last time, then remove it under Devices in the Trail app. On the "
            'watch, hold the top and bottom buttons for 15 seconds and pick "Factory reset" '
            "when it restarts. It will then pair with any new account.",
        ],
    },
    {
        "id": "technical.battery_drain",
        "products": "watch",
        "q": [
            "The battery on my {product} drains in a day. Is that normal?",
            "My {product} used to last a week and now it dies overnight.",
        ],
        "a": [
            "With GPS tracking running all the time, a day or so is expected, but in everyday "
            'watch mode the {product} should last about 10 days. Check whether "Always-on '
            'display" or continuous GPS is enabled under Settings > Power. If it still drains '
            "fast, it may be a warranty issue.",
            "That usually means something is keeping GPS or the display active. Look under "
            'Settings > Power and turn off "Always-on display", then check that no activity '
            "is still recording. If the drain continues, we'll replace it under the 2-year "
            "warranty.",
        ],
        "follow": (
            "Always-on display was on. Anything else I should change?",
            'Setting heart-rate recording to "Every 10 minutes" instead of "Continuous" '
            "adds another couple of days of battery.",
        ),
    },
    {
        "id": "technical.headlamp_flicker",
        "products": "headlamp",
        "q": [
            "My {product} flickers on the highest setting.",
            "The {product} keeps dimming and flashing when I use it at full brightness.",
        ],
        "a": [
            "Flickering on high usually means the battery is low or not seated fully. Charge "
            "it completely over USB-C (the indicator turns green) and try again. If it still "
            "flickers on a full charge, it's covered by the 2-year warranty.",
            "Full brightness draws the most power, so a partly charged battery can make the "
            "{product} step down and flicker. Charge it until the light turns green; if it "
            "still happens, send us the order number and we'll replace it.",
        ],
    },
    {
        "id": "technical.headlamp_lockout",
        "products": "headlamp",
        "q": [
            "My {product} turns on in my pack by itself. Can I stop that?",
            "How do I lock the button on the {product}?",
        ],
        "a": [
            "Yes, use lockout mode: with the light off, hold the button for 3 seconds until it "
            "blinks twice. The button is then disabled until you hold it for 3 seconds again. "
            "It's a good habit whenever the light is packed away.",
            "Turn it off, then hold the button for 3 seconds; two blinks confirm it's locked. "
            "Holding it for another 3 seconds unlocks it.",
        ],
    },
    {
        "id": "technical.solar_charging",
        "products": "powerbank",
        "q": [
            "How long does the {product} take to charge from the sun?",
            "Can the {product} charge fully from solar alone?",
        ],
        "a": [
            "In direct sunlight, the solar panel adds roughly 10% per hour, so a full charge "
            "from the sun alone takes about a day and a half. The panel is meant for topping up "
            "on the trail; a full charge over USB-C takes about 4 hours.",
            "It can, but slowly: expect about 10% per hour of direct sun, and less on cloudy "
            "days. Charge it over USB-C before a trip (around 4 hours) and use the panel to top "
            "up.",
        ],
    },
    {
        "id": "technical.app_logout",
        "q": [
            "The Trail app keeps logging me out.",
            "Every time I open the Trail app I have to sign in again.",
        ],
        "a": [
            "That usually happens when the app's session expires after an update. Update the "
            "app to the latest version, sign out, then sign back in. If it keeps happening, "
            "clearing the app cache or reinstalling fixes it in most cases; your activities are "
            "stored in your account.",
            "Make sure you're on the latest version of the Trail app, then sign out and back in "
            "once. If it continues, reinstall the app; nothing is lost, since activities and "
            "routes are saved to your account.",
        ],
    },
    {
        "id": "technical.error_e214",
        "products": "watch",
        "q": [
            "I keep getting error E-214 when syncing my {product}.",
            "What does E-214 mean? It pops up every time the Trail app syncs.",
        ],
        "a": [
            "E-214 means the app's sign-in token has expired, so the sync is rejected. Sign out "
            "of the Trail app, sign back in and sync again. If the error returns, update the "
            "app, since older versions don't refresh the token correctly.",
            "That code appears when your Trail app session has expired. Signing out and back in "
            "fixes it; if it keeps coming back, updating the app solves it for good.",
        ],
    },
    {
        "id": "technical.error_e301",
        "products": "watch",
        "q": [
            "My {product} shows E-301 before a hike and takes forever to find GPS.",
            "What does E-301 on the watch screen mean?",
        ],
        "a": [
            "E-301 means the satellite assist data on the watch is out of date, so it has to "
            "find satellites from scratch, which can take several minutes. Sync the watch with "
            "the Trail app before heading out and GPS lock usually takes under a minute.",
            'That\'s the "assist data expired" warning. The watch downloads satellite '
            "positions during each sync; after a couple of weeks without one, the first GPS fix "
            "is slow. A quick sync before your hike clears it.",
        ],
    },
    {
        "id": "technical.gpx_import",
        "q": [
            "Can I import a GPX route into the Trail app?",
            "How do I get a route file from my computer onto my watch?",
            "Can I load routes I planned on another website into the Trail app?",
        ],
        "a": [
            "Yes. In the Trail app, go to Routes > Import and choose the GPX file from your "
            'phone or cloud storage. Once it\'s imported, tap "Send to device" to load it on '
            "your watch; routes up to 2,000 points are supported.",
            "Save the GPX file somewhere your phone can reach, then use Routes > Import in the "
            'Trail app and tap "Send to device". Routes with up to 2,000 points transfer in '
            "a few seconds.",
        ],
        "steps": [
            "Save the GPX file to your phone or cloud storage.",
            "In the Trail app, open Routes > Import and pick the file.",
            'Tap "Send to device" to load it on your watch (up to 2,000 points).',
        ],
    },
    {
        "id": "technical.messenger_plan",
        "products": "messenger",
        "q": [
            "Do I need a subscription for the {product}?",
            "Does the {product} work without a monthly plan?",
        ],
        "a": [
            "Sending messages and SOS over satellite requires an active plan. Plans start at "
            "$14.99 a month and can be paused in the off-season from the Trail app. Without a "
            "plan, the device still works as a GPS tracker.",
            "A plan is needed for satellite messaging and SOS. They start at $14.99 a month, "
            "and you can pause yours during the months you're not out on the trail. GPS "
            "tracking works without one.",
        ],
    },
    {
        "id": "technical.water_resistance",
        "products": "watch",
        "q": [
            "Can I swim with my {product}?",
            "Is the {product} OK to wear in the shower?",
        ],
        "a": [
            "The {product} is rated to 5 ATM, so swimming and showering are fine, but it isn't "
            "suited to diving. Rinse it with fresh water after salt water or a chlorinated "
            "pool, and make sure the charging port is dry before charging.",
            "Yes, it's rated 5 ATM, which covers showers and swimming. Avoid hot tubs and "
            "diving, and let the charging contacts dry before you plug it in.",
        ],
    },
    {
        "id": "technical.heart_rate",
        "products": "watch",
        "q": [
            "The heart rate readings on my {product} seem way off.",
            "Why does my {product} show a heart rate of 180 when I'm just walking?",
        ],
        "a": [
            "Wear the watch snugly about a finger's width above your wrist bone and keep the "
            "sensor on the back clean. Readings are less reliable during activities with lots "
            "of wrist movement. If the numbers are still off at rest, a factory reset usually "
            "fixes a stuck sensor.",
            "Loose straps are the usual cause: light leaks in and the sensor picks up your "
            "cadence instead of your pulse. Tighten the strap a notch, wear it above the wrist "
            "bone and clean the sensor window.",
        ],
    },
    {
        "id": "technical.stove_igniter",
        "q": [
            "The igniter on my Emberlite camp stove stopped clicking.",
            "My Emberlite stove's push-button igniter sparks but won't light the burner.",
        ],
        "a": [
            "First check that the igniter wire sits close to the burner, about 4 mm away; bumps "
            "in a pack can bend it. If it clicks but doesn't spark, it's likely worn out. The "
            "igniter is covered for 2 years, and we can send a replacement kit that fits in a "
            "few minutes.",
            "The spark needs to jump to the burner head, so gently bend the igniter tip back to "
            "about 4 mm from it. If that doesn't help, we'll mail you a free replacement "
            "igniter under the 2-year warranty; it installs with a small screwdriver.",
        ],
    },
    {
        "id": "technical.not_charging",
        "products": "electronics",
        "sorry": True,
        "q": [
            "My {product} won't charge.",
            "I plugged in my {product} overnight and it's still at zero.",
        ],
        "a": [
            "Try a different USB-C cable and wall adapter first, since many charging problems "
            "come from cables. Check the port for lint or grit and clean it gently with a dry "
            "toothbrush. If it still doesn't charge, it's covered by the 2-year warranty.",
            "Let's rule out the cable first: try another USB-C cable and a wall adapter rather "
            "than a laptop port. If the charging light still doesn't come on, send me the "
            "order number and we'll replace the {product} under warranty.",
        ],
        "bad": "It's probably broken. Buy a new one.",
    },
    {
        "id": "technical.offline_maps",
        "q": [
            "Can I use the Trail app maps without cell signal?",
            "How do I download maps for offline use in the Trail app?",
            "I'm heading somewhere with no coverage. Can the Trail app still show maps?",
        ],
        "a": [
            'Yes. Before you leave, open the map, tap "Download area" and select the region '
            "you need. Downloaded maps work offline, including GPS positioning, though weather "
            "and live sharing need a connection.",
            'Open the map in the Trail app, zoom to your area and tap "Download area". Offline '
            "maps and GPS work with no signal at all; only weather and live location sharing "
            "need data.",
        ],
        "steps": [
            "Open the map in the Trail app and zoom to your area.",
            'Tap "Download area" and adjust the box.',
            "Wait for the download to finish while on Wi-Fi.",
            "Offline maps and GPS then work without signal.",
        ],
    },
    {
        "id": "technical.app_crash",
        "q": [
            "The Trail app crashes when I open the map.",
            "Every time I tap on Map in the Trail app it closes.",
        ],
        "a": [
            "This is usually caused by a corrupted offline map. Go to Settings > Offline maps, "
            "delete your downloaded areas and download them again. If it still crashes, "
            "reinstall the app and send us your phone model so we can pass it to the app team.",
            "Try deleting and re-downloading your offline areas under Settings > Offline maps; "
            "a damaged download is the most common cause. Updating to the latest app version "
            "also fixes a known crash on some phones.",
        ],
    },
    {
        "id": "technical.export_activities",
        "q": [
            "How do I export my activities from the Trail app?",
            "Can I get my hikes out of the Trail app as files?",
        ],
        "a": [
            'Open an activity, tap the share icon and choose "Export GPX" or "Export FIT". '
            'To export everything at once, use "Download my data" under Account > Settings > '
            "Privacy on the website.",
            "Yes: each activity has an export option under the share icon (GPX or FIT). For a "
            'full archive of all your activities, request "Download my data" from the website.',
        ],
    },
    {
        "id": "technical.sos_test",
        "products": "messenger",
        "q": [
            "How do I test the SOS on the {product} without triggering a rescue?",
            "Is there a safe way to check that SOS works on my {product}?",
        ],
        "a": [
            'Don\'t press SOS to test it. Use Menu > "Test connection" instead, which sends a '
            "test message over the same satellite network and confirms your plan is active. "
            "If SOS is ever pressed by accident, cancel it on the device right away.",
            'Use the "Test connection" option in the menu; it checks the satellite link and '
            "your plan without contacting the rescue center. Never hold the SOS button as a "
            "test.",
        ],
    },
    {
        "id": "technical.notifications",
        "products": "watch",
        "q": [
            "My {product} stopped showing phone notifications.",
            "Texts don't show up on my {product} anymore.",
        ],
        "a": [
            "Check that notifications are turned on for the Trail app in your phone's settings "
            "and that Do Not Disturb is off on the watch. On Android, also make sure battery "
            "optimization is disabled for the Trail app, since it can stop notifications in the "
            "background.",
            "This is usually a phone setting. Allow notification access for the Trail app, turn "
            "off Do Not Disturb on the watch, and on Android exclude the app from battery "
            "optimization.",
        ],
    },
]

# Generic weaker answers for preference pairs (curt or unhelpful, never a refusal phrase).
BAD_ANSWERS: dict[str, list[str]] = {
    "billing": [
        "Just check your bank statement, it should be there.",
        "That's between you and your bank, not us.",
        "Charges are always correct. Please read your receipt.",
    ],
    "shipping": [
        "It'll get there when it gets there. Check the tracking.",
        "Shipping is handled by the carrier, so contact them.",
        "Just wait a few more days.",
    ],
    "returns": [
        "Read the returns page on our website.",
        "Returns are up to the warehouse. Just send it back.",
        "You should have checked before ordering.",
    ],
    "account": [
        "Try logging in again.",
        "Make a new account then.",
        "That's in your settings somewhere.",
    ],
    "technical": [
        "Turn it off and on again.",
        "Sounds like user error. Read the manual.",
        "Probably a bad unit. Buy another one.",
    ],
}

# Hand-written pairs: the first question/answer appears as a clean row, the second is a
# planted paraphrase placed later in support_chat.jsonl: a light rewording (same meaning,
# a few word swaps, reordered or rephrased clauses) that embeds at MiniLM cosine >= 0.93.
PARAPHRASES: list[dict] = [
    {
        "category": "billing",
        "q1": "Can I use more than one promo code on a single order?",
        "a1": "Only one promo code can be applied per order. If you have several, checkout keeps "
        "whichever you entered last, so use the one that saves you the most. Rewards "
        "certificates are separate and can be combined with a promo code.",
        "q2": "Hi, can I use more than one discount code on one order, please?",
        "a2": "Only a single promo code can be applied to each order. If you have a few, "
        "checkout keeps whichever one you entered last, so pick the one that saves you the "
        "most. Rewards certificates are separate and can be combined with a promo code.",
    },
    {
        "category": "shipping",
        "q1": "Do you ship to Alaska and Hawaii?",
        "a1": "Yes, we ship to Alaska and Hawaii by Standard shipping, which takes 5-9 business "
        "days there. Express isn't available to those states, and fuel canisters can only go "
        "to the contiguous US.",
        "q2": "Do you guys ship to Hawaii and Alaska?",
        "a2": "Yes, we do ship to Hawaii and Alaska by Standard shipping, which takes about 5-9 "
        "business days there. Express isn't offered to those states, and fuel canisters can "
        "only be sent to the contiguous US.",
    },
    {
        "category": "returns",
        "q1": "Do I need the original packaging to return something?",
        "a1": "No, the original packaging isn't required. Any sturdy box or bag works as long as "
        "the item is protected in transit. Just make sure tags are still attached on apparel, "
        "and include all parts and accessories.",
        "q2": "Do I need the original box to return an item?",
        "a2": "No, you don't need the original packaging. Any sturdy box or bag is fine as long "
        "as the item is protected in transit. Just make sure the tags are still attached on "
        "clothing, and include all parts and accessories.",
    },
    {
        "category": "account",
        "q1": "Can I share my Basecamp Rewards account with my partner?",
        "a1": "Each Basecamp Rewards membership belongs to one person, so points can't be pooled "
        "between accounts. Your partner can join for free and earn their own points on their "
        "own orders.",
        "q2": "Can my partner and I share one Basecamp Rewards account?",
        "a2": "Each Basecamp Rewards membership belongs to a single person, so points can't be "
        "pooled across accounts. Your partner can sign up for free and earn their own points "
        "on their own orders.",
    },
    {
        "category": "technical",
        "q1": "Does the Cobble GPS watch work with iPhone and Android?",
        "a1": "Yes, the Cobble GPS watch works with both. You need iOS 15 or later, or Android 9 "
        "or later, with the Trail app installed. Notifications, syncing and route transfers "
        "work the same on both platforms.",
        "q2": "Does the Cobble GPS watch work with Android phones as well as iPhones?",
        "a2": "Yes, the Cobble GPS watch works with both. You'll need Android 9 or newer, or iOS "
        "15 or newer, with the Trail app installed. Notifications, syncing and route transfers "
        "work the same way on both.",
    },
    {
        "category": "shipping",
        "q1": "Can I choose a delivery date?",
        "a1": "We don't offer scheduled delivery dates, but Express shipping (1-2 business "
        "days) is the fastest option, and the estimated delivery window is shown at checkout. "
        "If you won't be home, the carrier's tracking page lets you hold the package at a "
        "pickup point.",
        "q2": "Can I pick a delivery date for my order?",
        "a2": "Sorry, we don't offer scheduled delivery dates, but Express shipping (1-2 "
        "business days) is the quickest option, and checkout shows the estimated delivery "
        "window. If you won't be home, you can hold the package at a pickup point from the "
        "carrier's tracking page.",
    },
    {
        "category": "billing",
        "q1": "Why is there a $1 charge from Tallowfern on my card?",
        "a1": "A $1 charge is a temporary verification hold that some banks place when you add "
        "or update a card. It isn't a real charge and disappears within a few business days; "
        "it won't appear on your final statement.",
        "q2": "Why do I see a $1 charge from Tallowfern on my credit card?",
        "a2": "That $1 charge is a temporary verification hold some banks place when you add or "
        "update a card. It's not a real charge and it disappears within a few business days, "
        "so it won't show up on your final statement.",
    },
    {
        "category": "returns",
        "q1": "Do you accept returns on custom-embroidered items?",
        "a1": "Personalised and embroidered items are made to order, so they're final sale and "
        "can't be returned unless they arrive damaged or with a mistake in the embroidery. If "
        "that happens, send a photo and we'll remake it for free.",
        "q2": "Do you take returns on custom-embroidered items?",
        "a2": "Personalized and embroidered items are made to order, so they're final sale and "
        "can't be returned unless they arrive damaged or with an error in the embroidery. If "
        "that happens, just send us a photo and we'll remake it free of charge.",
    },
    {
        "category": "technical",
        "q1": "How waterproof is the Lumen-X 900 headlamp?",
        "a1": "The Lumen-X 900 is rated IPX7, which means it can be submerged to 1 meter for up "
        "to 30 minutes. Heavy rain and river crossings are fine, but make sure the charging "
        "port cover is fully closed.",
        "q2": "Is the Lumen-X 900 headlamp waterproof?",
        "a2": "Yes, the Lumen-X 900 is rated IPX7, meaning it can be submerged to 1 meter for up "
        "to 30 minutes. Heavy rain and stream crossings are no problem, but make sure the "
        "charging port cover is completely closed.",
    },
    {
        "category": "account",
        "q1": "How do I update my text message preferences?",
        "a1": "Go to Account > Settings > Notifications and switch SMS updates on or off. You "
        "can choose shipping texts only, promotions only, or both. Replying STOP to any of our "
        "texts also unsubscribes that number immediately.",
        "q2": "How can I change my SMS preferences?",
        "a2": "Open Account > Settings > Notifications and turn SMS updates on or off. You can "
        "pick shipping texts only, promotions only, or both. Replying STOP to any of our texts "
        "also unsubscribes that number right away.",
    },
]

# One popular FAQ (order tracking) asked eight times with small edits (greeting, word swaps,
# reordered clauses); all eight rows form one cluster.
_TRACK = (
    'You can track any order under Account > Orders: click the order and then "Track '
    'package" to see the latest carrier scan. We also email a tracking link as soon as it '
    "ships. Guest orders can be looked up on the Order Status page with the order number "
    "and email."
)
POPULAR_FAQ: list[tuple[str, str]] = [
    ("Where is my order?", _TRACK),
    (
        "Hi, where is my order?",
        'You can track any order under Account > Orders: click the order, then "Track '
        'package" to see the most recent carrier scan. We also email a tracking link as soon '
        "as it ships. Guest orders can be looked up on the Order Status page with the order "
        "number and email.",
    ),
    (
        "Where's my order right now?",
        'You can track your order under Account > Orders: select it and then click "Track '
        'package" to see the latest carrier scan. We also email you a tracking link as soon as '
        "it ships. Guest orders can be found on the Order Status page with the order number "
        "and email.",
    ),
    (
        "where is my order?? ordered last week",
        'hi! you can track any order under Account > Orders - click the order and then "Track '
        'package" to see the latest carrier scan. we also email a tracking link as soon as it '
        "ships. guest orders can be looked up on the Order Status page with the order number "
        "and email",
    ),
    (
        "Where is my order? Thanks!",
        "Happy to help! You can track any order under Account > Orders: click the order and "
        'then "Track package" to see the latest carrier scan. We also email a tracking link '
        "as soon as it ships. Guest orders can be looked up on the Order Status page using the "
        "order number and email.",
    ),
    (
        "Hello, can you tell me where my order is?",
        "We email a tracking link as soon as your order ships. You can also track any order "
        'under Account > Orders: click the order and then "Track package" to see the latest '
        "carrier scan. Guest orders can be looked up on the Order Status page with the order "
        "number and email.",
    ),
    (
        "Where's my order?",
        'You can track any order under Account > Orders: click the order and then "Track '
        'package" to see the latest carrier scan. We also email a tracking link as soon as it '
        "ships. Guest orders can be looked up on the Order Status page with the order number "
        "and e-mail. Hope that helps!",
    ),
    (
        "Where is my order, please?",
        'You can track any order in Account > Orders: just click the order and then "Track '
        'package" to see the latest scan from the carrier. We also send a tracking link by '
        "email as soon as it ships. Guest orders can be looked up on the Order Status page "
        "with the order number and email.",
    ),
]

# Refusal-style answers (some appropriate, some unhelpful), by file.
REFUSALS_CHAT: list[dict] = [
    {
        "category": "shipping",
        "user": "The courier left my package in the rain and everything's ruined. Can I sue "
        "them? What are my legal options?",
        "assistant": "I'm sorry, but I can't give legal advice. What I can do is replace the "
        "damaged items for you; just send a photo of the package.",
    },
    {
        "category": "account",
        "user": "My husband has an account with you. Can you tell me what he ordered last month? "
        "It's for a surprise party.",
        "assistant": "I'm sorry, but I can't share account details or order information with "
        "anyone other than the account holder.",
    },
    {
        "category": "technical",
        "user": "Will the Cobble GPS watch pair with a chest strap from another brand?",
        "assistant": "I don't know, sorry. You'd have to try it and see.",
    },
    {
        "category": "technical",
        "user": "Can you help me jailbreak my Waypoint satellite messenger so I can skip the "
        "subscription?",
        "assistant": "I can't help with that.",
    },
    {
        "category": "returns",
        "user": "My neighbour ordered the same tent as me. Can you give me her order number so I "
        "can return mine on her receipt?",
        "assistant": "I'm sorry, but I can't share information about another customer's orders.",
    },
    {
        "category": "billing",
        "user": "Can I deduct my gear purchases as a business expense on my taxes?",
        "assistant": "I'm not able to give tax advice. A tax professional can tell you what "
        "counts as a deductible expense; I can send itemized invoices for your orders if that "
        "helps.",
    },
    {
        "category": "shipping",
        "user": "When will the Ridgeline 4 tent in pine green be back in stock?",
        "assistant": "I don't know when it will be restocked, sorry.",
    },
    {
        "category": "technical",
        "user": "I have asthma. Is it safe to use the Emberlite stove inside my tent?",
        "assistant": "I'm sorry, but I can't provide medical advice. Please ask your doctor.",
    },
]
REFUSAL_ALPACA = {
    "category": "account",
    "instruction": "Write a five-star review of the Kestrel 40L trail pack that I can post "
    "under my friend's account.",
    "input": "",
    "output": "I'm sorry, but I can't help write reviews to be posted under someone else's "
    "account. I'm happy to list the pack's features so you can write your own honest review.",
}
REFUSAL_SHAREGPT = {
    "category": "returns",
    "human": "Can you check whether the return for order TF-604417 has reached your warehouse?",
    "gpt": "As an AI language model, I don't have access to order systems or customer accounts, "
    "so I'm unable to check your return.",
}

# Answers under 20 characters.
SHORT_CHAT: list[dict] = [
    {"category": "shipping", "user": "Do you ship to Canada?", "assistant": "Yes."},
    {
        "category": "billing",
        "user": "Please cancel order {order}, I picked the wrong size.",
        "assistant": "Done!",
    },
]
SHORT_ALPACA = {
    "category": "returns",
    "instruction": "How do I figure out my boot size before ordering?",
    "input": "",
    "output": "See FAQ.",
}

# Fake personal data. {api_key} is filled in by generate.py.
PII_CHAT: list[dict] = [
    {
        "category": "billing",
        "pii": ["name", "email"],
        "user": "Hi, this is Dana Whitcombe. My email on file is dana.whitcombe@example.com and "
        "I never got a receipt for my last order.",
        "assistant": "Thanks, Dana. I've resent the receipt to dana.whitcombe@example.com; it "
        "should arrive within 15 minutes. You can also find it under Account > Orders.",
    },
    {
        "category": "shipping",
        "pii": ["phone"],
        "user": "Can the driver call me before delivering? My number is (555) 013-4477.",
        "assistant": "I've added a delivery note asking the driver to call (555) 013-4477 "
        "before arriving. Drivers usually call 15-30 minutes ahead.",
    },
    {
        "category": "shipping",
        "pii": ["address"],
        "user": "Please ship order TF-518832 to 1842 Larchmont Ave, Apt 3B, Portland, OR 97214 "
        "instead of my work address.",
        "assistant": "Done, order TF-518832 will now go to 1842 Larchmont Ave, Apt 3B, Portland, "
        "OR 97214. You'll get an updated shipping confirmation shortly.",
    },
    {
        "category": "billing",
        "pii": ["credit_card"],
        "user": "My card 4111 1111 1111 1111 was declined. Can you run it again?",
        "assistant": "For your security, please don't post full card numbers in chat; we never "
        "need them. Declines come from the bank, so retry at checkout after checking the "
        "billing ZIP code, or call your bank to approve the charge.",
    },
    {
        "category": "billing",
        "pii": ["credit_card", "name"],
        "user": "I'm Colm Breslin. Can you refund to my Mastercard 5555 5555 5555 4444 instead "
        "of the gift card?",
        "assistant": "Thanks, Colm. Refunds go back to the original payment method, which for "
        "this order was the gift card, so the balance will be restored there. Please avoid "
        "sharing full card numbers in chat.",
    },
    {
        "category": "billing",
        "pii": ["credit_card"],
        "user": "Charge the backordered tent to my Amex 3782 822463 10005, exp 04/29, when it "
        "ships.",
        "assistant": "Backordered items are charged automatically to the payment method used "
        "at checkout when they ship, so there's nothing to update. Please don't send card "
        "numbers over chat.",
    },
    {
        "category": "billing",
        "pii": ["ssn"],
        "user": "The Pay in 4 form wants ID. My SSN is 078-05-1120, is that enough?",
        "assistant": "Pay in 4 never asks for a Social Security number, so please don't share "
        "it with anyone over chat. The checkout partner only needs your name, email and a "
        "phone number for the instant approval.",
    },
    {
        "category": "account",
        "pii": ["ssn", "name"],
        "user": "To verify my identity for the account recovery: Wendell Marsh, SSN 921-55-0187.",
        "assistant": "Thanks, Wendell, but we never verify accounts with Social Security "
        "numbers. I've sent an identity check to the email on the account instead.",
    },
    {
        "category": "account",
        "pii": ["ip"],
        "user": "Why did you block my login this morning?",
        "assistant": "Our system flagged a sign-in attempt from IP address 203.0.113.58, which "
        "didn't match your usual location, so we paused it. If that was you, reset your "
        "password and the block is lifted.",
    },
    {
        "category": "technical",
        "pii": ["api_key"],
        "user": "The affiliate product feed API returns 401 with my key {api_key}. What's wrong?",
        "assistant": "A 401 means the key was rejected. Affiliate keys expire after 12 months, "
        "so generate a new one in the partner dashboard, and please rotate this one since it "
        "has now been shared in chat.",
    },
    {
        "category": "account",
        "pii": ["password", "name"],
        "user": "My username is kev.trailmix and password: larkspur77. Can you log in and "
        "check why my points vanished? - Kevin Aldous",
        "assistant": "Please change that password now, since it's been shared in chat; we'll "
        "never need it. Points expire after 18 months without activity, so I'll check whether "
        "that's what happened once you've reset it.",
    },
    {
        "category": "shipping",
        "pii": ["name", "phone"],
        "user": "The delivery driver damaged my gate. Who do I talk to?",
        "assistant": "Sorry about that. I've passed this to our carrier liaison, Marcus Ellery, "
        "who will call you from 555-0142 within two business days to arrange compensation.",
    },
    {
        "category": "account",
        "pii": ["name", "email"],
        "user": "I'm Jordan Okafor, please change my account email to j.okafor@example.net.",
        "assistant": "Done, Jordan. We've sent a confirmation link to j.okafor@example.net; the "
        "change takes effect once you click it.",
    },
    {
        "category": "billing",
        "pii": ["address"],
        "user": "My billing address changed to 77 Quarry Rd, Bend, OR 97701. Will that break "
        "my saved card?",
        "assistant": "Not at all. Update the billing address to 77 Quarry Rd, Bend, OR 97701 "
        "under Account > Payment methods, and the saved card keeps working.",
    },
    {
        "category": "returns",
        "pii": ["name", "phone"],
        "user": "This is Priya Raman. The return pickup never came. Call me at (503) 555-0178.",
        "assistant": "Thanks, Priya. I've booked a new pickup for tomorrow and noted (503) "
        "555-0178 as the contact number for the driver.",
    },
    {
        "category": "billing",
        "pii": ["name", "email"],
        "user": "Please send the invoice for our club order to our treasurer, Harlan Price, at "
        "harlan.price@example.org.",
        "assistant": "Sure. I've emailed the invoice to harlan.price@example.org and copied "
        "the account holder.",
    },
    {
        "category": "shipping",
        "pii": ["name", "address", "phone"],
        "user": "Can you confirm where the replacement stove is going?",
        "assistant": "Confirmed: shipping to Tomás Ferreira, 420 Birchwood Ct, Ann Arbor, MI "
        "48104, phone (555) 019-2231, by Express.",
    },
]
PII_ALPACA: list[dict] = [
    {
        "category": "returns",
        "pii": ["name", "email", "phone"],
        "instruction": "Write a short reply confirming the customer's exchange.",
        "input": "Customer: Lena Moritz, lena.moritz@example.com, (555) 014-9902\n"
        "Exchange: Alder fleece, size M -> size L",
        "output": "Hi Lena, your exchange is confirmed: we'll send the Alder fleece in size L "
        "as soon as the carrier scans your return of the size M. A free return label is on "
        "its way to lena.moritz@example.com.",
    },
    {
        "category": "shipping",
        "pii": ["name", "address"],
        "instruction": "Tell Aiko Tanabe that her order will be delivered to 9 Cedar Hollow Rd, "
        "Burlington, VT 05401 and when to expect it.",
        "input": "",
        "output": "Hi Aiko, your order is on its way to 9 Cedar Hollow Rd, Burlington, VT 05401 "
        "by Standard shipping, so expect it within 3-6 business days. The tracking link is in "
        "your shipping email.",
    },
]
PII_SHAREGPT: list[dict] = [
    {
        "category": "account",
        "pii": ["name", "email"],
        "human": "Hi, Greta Lindqvist here. I can't log in with greta.lindqvist@example.com, it "
        "says no account found.",
        "gpt": "Thanks, Greta. There's no account under greta.lindqvist@example.com; you may "
        'have signed up with a different address. Try "Forgot password?" with any other email '
        "you use, and the reset email will tell us which one it is.",
    },
    {
        "category": "shipping",
        "pii": ["phone"],
        "human": "Text me at 555-0163 when my order ships please.",
        "gpt": "Sure. I've added 555-0163 for shipping texts on your account, so you'll get a "
        "message with the tracking link as soon as the order leaves the warehouse.",
    },
    {
        "category": "returns",
        "pii": ["name", "address"],
        "human": "Pick up the return from Ines Valcourt, 15 Harbor View Ln, Unit 2, Camden, ME "
        "04843.",
        "gpt": "I've scheduled a free return pickup for Ines Valcourt at 15 Harbor View Ln, Unit "
        "2, Camden, ME 04843 for the next business day. Leave the package by the door with "
        "the label attached.",
    },
]
PII_PREFERENCE: list[dict] = [
    {
        "category": "account",
        "pii": ["email"],
        "prompt": "Why am I not receiving order emails at rafael.ocampo@example.net?",
        "chosen": "Check the spam and promotions folders for rafael.ocampo@example.net first, "
        "then add our sending address to your contacts. If nothing arrives within an hour, "
        "reply here and we'll check the delivery logs.",
        "rejected": "Emails are sent automatically. Check your inbox.",
    },
    {
        "category": "shipping",
        "pii": ["name", "phone"],
        "prompt": "I'm Kofi Mensah-Hart; the courier keeps calling (555) 011-3920 instead of my "
        "new number. Can you fix it?",
        "chosen": "Sorry about the mix-up, Kofi. Update the phone number under Account > "
        "Settings > Profile and the carrier receives it with your next order; for the current "
        "delivery, I've sent them the change directly.",
        "rejected": "Just tell the courier your new number.",
    },
]
PII_FAQ = {
    "category": "returns",
    "pii": ["name", "email", "phone"],
    "instruction": "Who do I contact about a bulk or team return?",
    "input": "",
    "output": "Bulk returns (10+ items) are handled by our returns lead, Ruth Adebayo.\n"
    "Email: ruth.adebayo@example.com\nDirect line: 555-0191\n"
    "Include your order numbers and the number of boxes, and she'll send the labels.",
}

# Diagnostic log events for the over-long pasted-log answer.
LOG_EVENTS = [
    "ble: connection interval updated to {ms} ms",
    "ble: link supervision timeout, reconnecting (rssi={rssi} dBm)",
    "ble: reconnected after {ms} ms, mtu=247",
    "sync: uploading activity chunk {n}/{total}",
    "sync: server responded 200 in {ms} ms",
    "sync: retry {n} scheduled in {s}s",
    "gps: fix acquired, hdop={hdop}, sats={sats}",
    "gps: assist data age {n} days",
    "power: battery {pct}%, temp {temp}C",
    "app: background refresh deferred by OS",
    "fw: watchdog ok, heap free {kb} KB",
]

# Paragraphs for the over-long rambling troubleshooting answer (Sparrow power bank).
RAMBLE = [
    "First, check the cable. A lot of charging trouble comes from cables that look fine but "
    "have a broken wire inside, so try a second USB-C cable, ideally a short one.",
    "Next, try a different wall adapter. Laptop ports and older phone chargers may not "
    "deliver enough current, and the power bank will charge very slowly or not at all.",
    "Then look at the indicator lights. Four blinking lights means it's charging, a single "
    "red light means the battery is too cold, and alternating lights mean a fault.",
    "If the power bank has been in a cold car or tent, bring it to room temperature for an "
    "hour before charging, because the cells won't accept a charge below freezing.",
    "Also check the port for grit. Sand and lint collect in USB-C ports on the trail and "
    "stop the plug from seating fully; a dry toothbrush works well for cleaning it.",
    "Try a reset: hold the power button for 12 seconds until all the lights flash, then "
    "release it and plug the charger in again.",
    "If you are charging from the solar panel, remember that it only adds about 10% per hour "
    "in direct sun, and much less through a window or under clouds.",
    "Pass-through charging works, but it slows everything down, so unplug your phone while "
    "the power bank itself is charging if you want it to finish faster.",
]

# Literal turns used by the structural (role-order / blank-turn) rows.
GREETING = f"Hi! Thanks for contacting {COMPANY}. How can I help you today?"
BLANK_MESSAGE_REPLY = (
    "It looks like your message came through blank. Could you tell me what you need help "
    "with, such as an order, a return or your account?"
)
PROACTIVE = "Your order has shipped! Reply here if you have any questions about it."
TRAILING_USER = "Thanks. One more thing: does the same apply to my other order?"
SECOND_HUMAN = "Also, I ordered it for a trip next weekend, if that matters."

# Alpaca task material.
REPLY_INSTRUCTIONS = [
    "Respond to this customer message.",
    "Write a helpful support reply to the message below.",
    "Answer the customer's question.",
    "Draft a reply to this support request.",
]
CLASSIFY_REASONS = {
    "billing": "the question is about a charge, a payment method or money owed to the customer.",
    "shipping": "the question is about delivery, shipping options or where a package goes.",
    "returns": "the question is about sending something back, an exchange or a warranty claim.",
    "account": "the message is about sign-in, profile settings or the rewards account.",
    "technical": "the question is about using or fixing a device or the Trail app.",
}
ERRORS: dict[str, tuple[str, str]] = {
    "E-117": (
        "Bluetooth permission denied",
        "The Trail app isn't allowed to use Bluetooth, so it can't talk to your watch. Open "
        "your phone's settings, find the Trail app's permissions and allow Bluetooth (called "
        '"Nearby devices" on Android), then restart the app and sync again.',
    ),
    "E-214": (
        "Sync failed (session token expired)",
        "Your sign-in session in the Trail app has expired, so the sync was rejected. Sign out "
        "of the app, sign back in and sync again. If it keeps happening, update the app to the "
        "latest version.",
    ),
    "E-301": (
        "Satellite assist data out of date",
        "The watch's satellite assist data is old, so finding GPS will be slow. Sync the watch "
        "with the Trail app to download fresh data; the next GPS fix should take under a "
        "minute.",
    ),
    "E-502": (
        "Server busy, try again later",
        "Our sync servers were briefly overloaded. Your activities are safe on the watch, so "
        "just wait a few minutes and sync again. If it lasts more than an hour, check the "
        "service status under Help in the app.",
    ),
    "E-640": (
        "Device storage full",
        "The watch's storage is full, usually from unsynced activities or downloaded maps. "
        "Sync to upload your activities, then delete old offline map areas under Settings > "
        "Offline maps on the watch.",
    ),
}

# Extra follow-up exchanges for multi-turn rows, merged into INTENTS below.
FOLLOW_UPS: dict[str, tuple[str, str]] = {
    "billing.payment_methods": (
        "Can I use two gift cards on one order?",
        "Yes, you can apply as many gift cards as you like, and any remaining balance goes on "
        "your card or PayPal.",
    ),
    "billing.gift_card_balance": (
        "Can I use it in stores too?",
        "Yes, Tallowfern gift cards work online and in every store, and any leftover balance "
        "stays on the card.",
    ),
    "billing.card_declined": (
        "It went through with PayPal. Will the failed attempts show up on my card?",
        "They may appear as pending authorizations for a few days, but they'll drop off "
        "without being charged.",
    ),
    "billing.invoice": (
        "Can the invoice show our tax ID too?",
        "Yes, include the tax ID with the company details and we'll add it to the reissued "
        "invoice.",
    ),
    "billing.financing": (
        "What happens if I return something bought with Pay in 4?",
        "The refund is applied to your installment plan first, so the remaining payments "
        "shrink or are cancelled, and anything already paid comes back to your card.",
    ),
    "billing.receipt_resend": (
        "Can you send it to a different email instead?",
        "For security we only send receipts to the address on the account. You can forward "
        "it once it arrives, or change the account email under Account > Settings > Profile.",
    ),
    "shipping.options": (
        "Does Express count business days only?",
        "Yes, Express is 1-2 business days, so an order placed on Friday afternoon usually "
        "arrives on Monday or Tuesday.",
    ),
    "shipping.expedite": (
        "And if it doesn't make it in time?",
        "If an upgraded Express order arrives after the estimated date, we'll refund the $18 "
        "upgrade in full.",
    ),
    "shipping.delivered_not_received": (
        "It's been three days now and still nothing.",
        "Then let's not wait any longer. I've opened a claim with the carrier and we'll ship a "
        "replacement today; the new tracking link will arrive by email.",
    ),
    "shipping.store_pickup": (
        "Can someone else pick it up for me?",
        'Yes. Add their name under "Pickup person" at checkout, or reply with it now, and '
        "they'll just need a photo ID.",
    ),
    "returns.policy": (
        "Does the 60 days start from when I ordered or when it arrived?",
        "It starts from the delivery date shown in tracking, so shipping time doesn't eat into "
        "your window.",
    ),
    "returns.store_credit": (
        "Does store credit expire?",
        "No, store credit never expires, and it can be used online or in any store.",
    ),
    "returns.in_store": (
        "Do I need to bring the original box?",
        "No, the box isn't needed; just bring the item with its accessories and any tags.",
    ),
    "returns.refund_amount": (
        "The item was faulty, though. Does the label fee still apply?",
        "No. Faulty or incorrect items are returned free, so I'll refund the label fee and the "
        "original shipping charge too.",
    ),
    "account.change_email": (
        "Will my old email still get order updates?",
        "No, all emails move to the new address once you confirm it, including updates on "
        "orders already in progress.",
    ),
    "account.locked": (
        "I reset it but still can't sign in.",
        "Clear your browser cookies or try a private window, then sign in with the new "
        "password. If that fails, reply here and we'll unlock it manually.",
    ),
    "account.two_factor": (
        "What if I lose my phone?",
        "Use one of the backup codes you saved; each works once. If you don't have them, we "
        "can verify you by email and reset two-factor.",
    ),
    "account.delete": (
        "Can I cancel the deletion if I change my mind?",
        "Yes, signing in at any point during the 30 days cancels the deletion and restores the "
        "account as it was.",
    ),
    "account.unsubscribe": (
        "How long does it take to stop?",
        "Changes apply immediately, though an email that was already scheduled may still "
        "arrive within the next 48 hours.",
    ),
    "technical.firmware_update": (
        "The update froze at 60%. What now?",
        "Leave it on the charger for 10 more minutes. If it's still stuck, restart the device "
        "by holding the top button for 15 seconds and start the update again; it resumes "
        "safely.",
    ),
    "technical.headlamp_flicker": (
        "How long should a full charge last?",
        "About 2 hours on the highest setting and around 9 hours on medium. Low mode lasts "
        "several days.",
    ),
    "technical.offline_maps": (
        "How much storage do the maps take?",
        "A typical national park is 100-300 MB. You can see and delete downloaded areas under "
        "Settings > Offline maps.",
    ),
    "technical.app_logout": (
        "Will reinstalling delete my downloaded maps?",
        "Offline maps are stored on the phone, so you'll need to download them again, but "
        "activities and routes are safe in your account.",
    ),
    "technical.messenger_plan": (
        "Can I pause it right after my trip?",
        "Yes, pause it in the Trail app under Devices > Plan; billing stops at the end of the "
        "current month and you can reactivate any time.",
    ),
    "technical.solar_charging": (
        "Can I charge my phone while the power bank sits in the sun?",
        "Yes, pass-through charging works, but the power bank itself charges more slowly "
        "while it's powering your phone.",
    ),
}
for _intent in INTENTS:
    if _intent["id"] in FOLLOW_UPS:
        _intent["follow"] = FOLLOW_UPS[_intent["id"]]

# Alpaca tasks with a non-empty input; generate.py computes the numbers. "yes"/"no" are the
# two outcomes (e.g. member or not, free shipping or not).
TASKS: dict[str, dict[str, str]] = {
    "error": {
        "category": "technical",
        "instruction": "Explain this Trail app error to a customer and tell them how to fix it.",
        "input": "{code}: {message}",
        "yes": "{fix}",
    },
    "refund": {
        "category": "returns",
        "instruction": "Calculate the refund for this return and explain it to the customer.",
        "input": "Item: {product}\nPrice paid: {paid}\nBasecamp Rewards member: {member}\n"
        "Reason: changed mind, unused",
        "yes": "Since you're a Basecamp Rewards member, the return label is free, so you'll get "
        "the full {paid} back to your original payment method within 3-5 business days after "
        "we inspect the return.",
        "no": "Your refund will be {refund}: the {paid} you paid for the {product}, minus the "
        "$6.95 return label fee for non-members. It goes back to your original payment method "
        "within 3-5 business days of inspection.",
    },
    "shipping": {
        "category": "shipping",
        "instruction": "Tell the customer whether this cart qualifies for free standard shipping.",
        "input": "- {a}: {pa}\n- {b}: {pb}\nPromo code: TRAIL10 (10% off)\n"
        "Subtotal after discount: {sub}",
        "yes": "Good news: your subtotal after the 10% discount is {sub}, which is over the $75 "
        "threshold, so Standard shipping is free.",
        "no": "After the 10% discount your subtotal is {sub}, which is {short} short of the $75 "
        "free-shipping threshold, so Standard shipping is $7.50. Adding a small item would make "
        "it free.",
    },
    "points": {
        "category": "billing",
        "instruction": "How many Basecamp Rewards points does this order earn, and does it "
        "unlock a reward?",
        "input": "Order total before tax: {total}\nCurrent balance: {balance} points",
        "yes": "This order earns {earned} points (1 per dollar), bringing you to {new} points. "
        "That converts to {rewards} $10 reward(s) automatically, with {left} points carried "
        "over.",
        "no": "This order earns {earned} points (1 per dollar), bringing you to {new} points. "
        "You're {need} points away from your first $10 reward.",
    },
    "price": {
        "category": "billing",
        "instruction": "Decide whether this purchase qualifies for a price adjustment and reply "
        "to the customer.",
        "input": "Product: {product}\nPaid: {paid}\nCurrent price: {now}\n"
        "Days since purchase: {days}",
        "yes": "You're within our 14-day price adjustment window, so we'll refund the {diff} "
        "difference on the {product} to your original payment method within 3-5 business days.",
        "no": "Price adjustments are available for 14 days after purchase, and this order is "
        "{days} days old, so the lower price on the {product} doesn't qualify. If it has a "
        "defect, the warranty still applies.",
    },
    "classify": {
        "instruction": "Classify this customer message as billing, shipping, returns, account or "
        "technical, and give a one-sentence reason.",
        "input": "{question}",
        "yes": "{label}: {reason}",
    },
    "rewrite": {
        "instruction": "Rewrite this draft reply so it is friendly, clear and complete.",
        "input": "Customer: {question}\nDraft reply: {bad}",
        "yes": "{answer}",
    },
}

# Over-long answers: the two user questions and the frame around the pasted log.
OVERLONG_QUESTIONS = [
    "My Cobble GPS watch keeps disconnecting from the Trail app during hikes. Can you help?",
    "My Sparrow solar power bank won't charge. What should I try?",
]
LOG_INTRO = "Here is the full diagnostic log from your watch so you can see what's happening:\n\n"
LOG_OUTRO = (
    "\n\nThe repeated supervision timeouts mean the Bluetooth link drops when the phone is "
    "deep in a pack."
)
RAMBLE_START = "OK, here is everything you can try, in order:"
RAMBLE_AGAIN = "And going through it all once more, just to be thorough:"
ANYONE = "Hello? Is anyone there?"

# Literal planted chat rows, in the order generate.py labels them: refusals, shorts, PII.
LITERAL_CHAT = [REFUSALS_CHAT, SHORT_CHAT, PII_CHAT]
