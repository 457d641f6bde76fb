"""The pairs' text for make_pairs.py: Brightloom support tickets and replies (all invented)."""

# (team, ticket, good reply, bad reply of about the same length)
CLEAN = [
    (
        "billing",
        "I was charged twice for my Loom T3 this month.",
        "Sorry about that. The second charge is a pending authorisation and drops off within five "
        "business days. If it is still there after that, reply with the last four digits of the "
        "card and we will refund it.",
        "Both charges are correct because the Loom T3 is billed once for the device and once for "
        "shipping. We cannot refund either of them, so please check your bank statement again "
        "next month.",
    ),
    (
        "billing",
        "How do I download an invoice for my company?",
        "Open the Brightloom app, go to Account, then Orders, pick the order and tap Invoice. The "
        "PDF shows your company name if you added it under Billing details.",
        "Invoices are only sent by post once a year. If you need one sooner, buy the device again "
        "through a business account and we will print both invoices together.",
    ),
    (
        "billing",
        "Can I switch my Comfort Plus plan from monthly to yearly?",
        "Yes. In the app go to Account, Subscription, and choose Yearly. The rest of this month is "
        "credited against the first yearly payment, so you are not charged twice.",
        "Plans cannot be changed once started. Cancel the monthly plan, wait thirty days, and then "
        "sign up again for the yearly plan at the full price.",
    ),
    (
        "billing",
        "My promo code LOOM10 did not apply at checkout.",
        "LOOM10 works on orders over 100 dollars before tax and not on refurbished units. If your "
        "order met both, send the order number and we will refund the ten percent.",
        "Promo codes never work online. Call the store where you saw the code and ask them to "
        "apply it, then place the order again with a different card.",
    ),
    (
        "billing",
        "Why is there a sales tax line on my order from another state?",
        "We collect sales tax where the order ships to, as state law requires. The rate comes "
        "from your shipping address, so an address in a state without sales tax shows none.",
        "The sales tax is a Brightloom service fee that every customer pays. It is the same in "
        "every state and it pays for the app, so it cannot be removed.",
    ),
    (
        "billing",
        "I cancelled my subscription but was charged again.",
        "A cancellation takes effect at the end of the period you already paid for. If the new "
        "charge came after that date, reply with its date and amount and we will reverse it.",
        "Cancelling in the app does not stop billing. You also need to send a signed letter, and "
        "until we receive it every monthly charge stays on your card.",
    ),
    (
        "technical",
        "My Loom T2 shows error E-221 after the update.",
        "E-221 means the thermostat lost its link to the hub. Restart the hub, wait two minutes, "
        "then hold the T2's dial for ten seconds to re-pair. Your schedule is kept.",
        "E-221 means the update deleted your schedule. Reset the thermostat to factory settings, "
        "set up your account again, and re-enter every schedule by hand.",
    ),
    (
        "technical",
        "The display on my thermostat is blank but the heating still runs.",
        "The heating keeps its schedule even when the screen is off. Check that the C wire is "
        "seated at the base; if it is, hold the dial for five seconds to wake the display.",
        "A blank display means the thermostat has failed and the heating will stop soon. Turn off "
        "the breaker for the furnace until a replacement arrives.",
    ),
    (
        "technical",
        "Alexa says the thermostat is unresponsive.",
        "Open the Alexa app, disable the Brightloom skill and enable it again, then sign in. This "
        "refreshes the link; the thermostat itself does not need a reset.",
        "Alexa does not work with Brightloom thermostats any more. Use the Brightloom app "
        "instead, or buy a separate voice hub from another company.",
    ),
    (
        "technical",
        "The room feels colder than the temperature the thermostat shows.",
        "The sensor reads the air at the thermostat, which can be warmer near a lamp or in sun. "
        "Add a Loom room sensor in the cold room and set it as the one to follow.",
        "The thermostat always shows the exact room temperature, so the room cannot be colder. "
        "It is likely that you feel cold because of humidity, which we cannot help with.",
    ),
    (
        "technical",
        "Can I use the Loom T3 with a heat pump?",
        "Yes. During setup choose Heat pump and tell the app whether your O/B wire energises in "
        "cooling or heating. Auxiliary heat goes on the W2 terminal.",
        "The Loom T3 only works with gas furnaces. A heat pump needs a different brand, and "
        "connecting one may damage the thermostat and void its warranty.",
    ),
    (
        "technical",
        "My schedule keeps resetting every night.",
        "That happens when two app accounts control one thermostat and one has an older schedule. "
        "Under Settings, Household, remove the second account, then save your schedule again.",
        "Schedules always reset at midnight for safety. Set the temperature by hand every "
        "morning, or keep the thermostat in manual mode all the time.",
    ),
    (
        "technical",
        "Wi-Fi setup fails at the last step.",
        "The thermostat joins 2.4 GHz networks only. If your router combines bands under one "
        "name, turn on its 2.4 GHz network by itself during setup, then switch back.",
        "Wi-Fi setup fails when the router is too new. Buy an older router, or connect the "
        "thermostat to your computer with a USB cable and leave it connected.",
    ),
    (
        "account",
        "I lost my phone and cannot sign in because of two-factor codes.",
        "Use one of the backup codes you saved at setup. If you have none, reply from the email "
        "on the account and we will verify you and remove the old phone within a day.",
        "Without the phone the account is locked for good. Create a new account, register your "
        "thermostat again, and set up the house from the beginning.",
    ),
    (
        "account",
        "How do I give my partner access to the thermostat?",
        "In the app go to Settings, Household, and tap Invite. Your partner gets an email, makes "
        "an account, and then sees the same thermostats and schedules as you.",
        "Only one person can use a thermostat. Share your own password with your partner, and "
        "make sure you never both open the app at the same time.",
    ),
    (
        "account",
        "Please change the email address on my account.",
        "Go to Account, Profile, Email and enter the new address. We send a code to it; once you "
        "confirm, the old address stops working for sign-in.",
        "Email addresses are permanent and cannot be changed. If you stop using the old one, you "
        "will have to close the account and start a new one.",
    ),
    (
        "account",
        "I want to delete my account and all my data.",
        "Go to Account, Privacy, Delete account. We remove your data within 30 days; remove the "
        "thermostat from the wall first or it keeps running its last schedule offline.",
        "Accounts cannot be deleted while the thermostat is under warranty. Wait until the "
        "warranty ends, then send us a letter asking for your data to be removed.",
    ),
    (
        "account",
        "The app logs me out every time I close it.",
        "That usually means the app cannot store its sign-in token. Update the app, and on "
        "Android check that battery saving is not clearing its data, then sign in once more.",
        "Being logged out is a security feature that every app has. Write your password down "
        "next to the thermostat so you can sign in again quickly each time.",
    ),
    (
        "shipping",
        "My order has said label created for five days.",
        "That status means the carrier has not scanned it yet. Reply with the order number and we "
        "will ask the warehouse; if it has not left, we ship a new one by express.",
        "Label created means the parcel has been delivered. Check with your neighbours and your "
        "building's mail room, because we cannot send a second parcel.",
    ),
    (
        "shipping",
        "Do you ship to Canada?",
        "Yes, to every province. Duties and taxes are included in the price you see at checkout, "
        "and delivery takes four to eight business days.",
        "We do not ship outside the United States. Order to a friend's address in the US and ask "
        "them to post the thermostat to you at their own cost.",
    ),
    (
        "shipping",
        "The box arrived damaged and the thermostat is cracked.",
        "Sorry it arrived like that. Send a photo of the box and the thermostat and we will ship "
        "a replacement at no cost; you do not need to return the cracked one.",
        "Damage during shipping is the carrier's problem. Contact the carrier, open a claim with "
        "them, and once they pay you, order a new thermostat from us.",
    ),
    (
        "shipping",
        "Can I change my delivery address after ordering?",
        "If the order has not shipped, yes: go to Orders, pick it, and tap Change address. If it "
        "has shipped, reply with the new address and we will ask the carrier to redirect it.",
        "Addresses are locked as soon as you pay. Wait for the parcel to come back to us as "
        "undeliverable, which takes about a month, and then order again.",
    ),
    (
        "shipping",
        "I was told express shipping but it came by ground.",
        "If you paid for express and it came by ground, we refund the difference. Reply with the "
        "order number and we will check the label and refund it to your card.",
        "Express and ground are the same service with different names. Your parcel came on time, "
        "so there is no difference in price to refund to you.",
    ),
    (
        "sales",
        "Is there a discount if I buy thermostats for ten apartments?",
        "Yes, orders of five or more qualify for our property pricing. Reply with the number of "
        "units and your address and our sales team will send a quote within two days.",
        "We do not sell more than two thermostats to one customer. Ask each tenant to order "
        "their own thermostat and install it themselves.",
    ),
    (
        "sales",
        "What is the difference between the Loom T2 and the Loom T3?",
        "The T3 adds a humidity sensor, support for room sensors and a larger screen. Both learn "
        "your schedule and work with the same app; the T2 suits smaller homes.",
        "The T2 and the T3 are the same thermostat in different colours. Pick the one that "
        "matches your wall, since there is no other difference between them.",
    ),
    (
        "sales",
        "Do you offer installation?",
        "Yes, in most US cities through our partner installers. Add installation at checkout or "
        "in the app under Orders; the installer calls within two days to book a time.",
        "We never install thermostats, and using an electrician voids the warranty. Follow the "
        "paper guide in the box and do the wiring yourself.",
    ),
    (
        "sales",
        "Can I try the thermostat and return it if it does not suit me?",
        "Yes, you have 60 days to return it for a full refund, installed or not. Start the return "
        "in the app under Orders and we email you a prepaid label.",
        "Returns are only accepted if the box was never opened. Once the thermostat has been "
        "installed it is yours to keep, even if it does not suit you.",
    ),
    (
        "sales",
        "Will the thermostat work without a subscription?",
        "Yes. Schedules, the app and voice control work without one. Comfort Plus adds energy "
        "reports and remote alerts, and you can start or stop it at any time.",
        "No, the thermostat stops heating when there is no subscription. You need Comfort Plus "
        "from the first day, and it has to be paid a year in advance.",
    ),
]

# (team, ticket, long good reply, short bad reply): the chosen side is at least twice as long
LONG = [
    (
        "technical",
        "How do I update the thermostat's firmware?",
        "Updates install by themselves overnight when the thermostat is on Wi-Fi. To update now, "
        "open the app, go to Settings, Device, Firmware, and tap Check for update. Keep the "
        "thermostat powered while it installs; it restarts once and your schedule is kept. If "
        "the update stops part way, wait ten minutes and try again before contacting us.",
        "It updates itself.",
    ),
    (
        "billing",
        "Can I get a refund for the Comfort Plus month I did not use?",
        "Yes. If you did not use Comfort Plus features during the last month, we refund it. "
        "Reply with the date of the charge and we will check the account. Refunds go back to the "
        "original card and appear within five to ten business days, depending on your bank. "
        "You can also turn off renewal under Account, Subscription.",
        "No refunds.",
    ),
    (
        "shipping",
        "Where is my replacement thermostat?",
        "Replacements ship within one business day of approval. You should have an email with a "
        "tracking number; if not, check the spam folder. Reply with your order number and we "
        "will look the parcel up with the carrier and tell you where it is, and if it is lost we "
        "send another one by express.",
        "It is on its way.",
    ),
    (
        "account",
        "Someone else's thermostat shows up in my app.",
        "That should not happen, and we take it seriously. Remove the unknown thermostat under "
        "Settings, Household, change your password, and turn on two-factor sign-in. Then reply "
        "with the device name you saw, so we can find out how it was linked and tell its owner.",
        "Just remove it.",
    ),
    (
        "technical",
        "The thermostat clicks but the furnace does not start.",
        "The click means the thermostat is calling for heat, so the problem is further along. "
        "Check that the furnace switch is on and its panel door is closed, since many furnaces "
        "stay off with the door open. Then look at the W wire at the thermostat base. If all is "
        "well, the furnace itself may need a technician.",
        "Call a technician.",
    ),
    (
        "sales",
        "Does the thermostat save money on heating?",
        "Most homes use less energy once the schedule lowers the temperature at night and while "
        "nobody is home. How much depends on your house and climate; the app's energy report "
        "shows your own use week by week, so you can compare before and after. Your utility may "
        "also offer a rebate for a smart thermostat.",
        "Yes, a lot.",
    ),
    (
        "account",
        "How do I set up a vacation schedule?",
        "In the app, go to Schedule and tap Away. Pick the dates you are gone and the lowest "
        "temperature the house may reach, for example 12 degrees, so pipes stay safe. The "
        "thermostat returns to your normal schedule the day you come back, and warms the house "
        "before you arrive if you turn on Early start.",
        "Use Away mode.",
    ),
    (
        "shipping",
        "Can I pick up my order instead of having it shipped?",
        "Not from Brightloom directly, as we ship from our warehouse only. You can choose "
        "delivery to a carrier pickup point at checkout, and the parcel waits there for up to 14 "
        "days. Some of our retail partners also sell the thermostat in store, which the app "
        "lists under Where to buy.",
        "No pickup.",
    ),
]

IDENTICAL_EXACT = [
    (
        "billing",
        "What payment methods do you accept?",
        "We accept major credit and debit cards, PayPal and Apple Pay.",
    ),
    (
        "technical",
        "How do I restart the thermostat?",
        "Hold the dial down for ten seconds until the screen goes dark, then let go.",
    ),
]
IDENTICAL_FOLDED = [
    (
        "shipping",
        "How long does standard shipping take?",
        "Standard shipping takes three to five business days.",
        "standard shipping takes three to five business days",
    ),
    (
        "account",
        "Where do I change my password?",
        "Go to Account, Security, then Change password.",
        "go to account security then change password!",
    ),
]
