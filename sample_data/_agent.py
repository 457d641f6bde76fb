"""support_agent.jsonl for generate.py: a Tallowfern support agent that looks up orders and
issues refunds through four tools (OpenAI tool-calling chat rows), a few rows whose user turn
holds a photo (an image part by URL), and the planted tool-use problems (stdlib only)."""

from __future__ import annotations

import json
import random
from typing import Any

AGENT = "support_agent.jsonl"
SYSTEM = (
    "You are the Tallowfern Outfitters support agent. Look orders up before you answer, "
    "and refund only what the policy allows."
)


def _function(name: str, description: str, properties: dict, required: list[str]) -> dict:
    parameters = {"type": "object", "properties": properties, "required": required}
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


TOOLS = [
    _function(
        "lookup_order",
        "Status, items and total of one order.",
        {"order_id": {"type": "string", "pattern": "^TF-[0-9]{6}$"}},
        ["order_id"],
    ),
    _function(
        "list_orders",
        "A customer's recent orders, newest first.",
        {"customer_id": {"type": "string"}, "limit": {"type": "integer", "minimum": 1}},
        ["customer_id"],
    ),
    _function(
        "issue_refund",
        "Refund part or all of an order to the original payment method.",
        {
            "order_id": {"type": "string"},
            "amount_cents": {"type": "integer", "minimum": 1},
            "reason": {"enum": ["damaged", "late", "not_as_described", "changed_mind"]},
            "notify_email": {"type": "string"},
        },
        ["order_id", "amount_cents", "reason"],
    ),
    _function(
        "escalate_to_human",
        "Hand the conversation to a person on the support team.",
        {"summary": {"type": "string"}},
        ["summary"],
    ),
]
ITEMS = [
    "Ridgeback 2 tent",
    "Cobble GPS watch",
    "Lumen-X headlamp",
    "Talus 38 pack",
    "Fernline rain jacket",
]
STATUSES = ["shipped", "processing", "delivered", "out for delivery"]
CARRIERS = ["UPS", "FedEx", "USPS"]


def _call(call_id: str, name: str, arguments: Any) -> dict:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": text}}


def _calls(*calls: dict) -> dict:
    return {"role": "assistant", "content": None, "tool_calls": list(calls)}


def _result(call_id: str, value: Any) -> dict:
    return {"role": "tool", "tool_call_id": call_id, "content": json.dumps(value)}


def _row(messages: list[dict], category: str, tools: list[dict] | None = None) -> dict:
    return {
        "tools": TOOLS if tools is None else tools,
        "messages": [{"role": "system", "content": SYSTEM}, *messages],
        "category": category,
    }


class _Orders:
    """Distinct order numbers, items and amounts, so no two rows read alike."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def order(self) -> str:
        while (order := f"TF-{self.rng.randint(300000, 899999)}") in self.used:
            pass
        self.used.add(order)
        return order

    def cents(self) -> int:
        return self.rng.randint(20, 400) * 100 + self.rng.choice((0, 50, 95, 99))


def _money(cents: int) -> str:
    return f"${cents // 100}.{cents % 100:02d}"


def _status_row(o: _Orders, n: int) -> dict:
    order, item = o.order(), o.rng.choice(ITEMS)
    status, carrier = STATUSES[n % len(STATUSES)], CARRIERS[n % len(CARRIERS)]
    days = o.rng.randint(1, 5)
    asks = [
        f"Hi, can you tell me where order {order} is?",
        f"What's the status of my order {order}? It's a {item}.",
        f"Order {order} hasn't arrived yet, any news on it?",
    ]
    answer = (
        f"Your {item} (order {order}) is {status} with {carrier}; "
        f"it should reach you within {days} business day{'s' if days > 1 else ''}."
    )
    return _row(
        [
            {"role": "user", "content": asks[n % len(asks)]},
            _calls(_call(f"call_s{n}", "lookup_order", {"order_id": order})),
            _result(
                f"call_s{n}",
                {"order_id": order, "status": status, "carrier": carrier, "item": item},
            ),
            {"role": "assistant", "content": answer},
        ],
        "shipping",
    )


def _refund_row(o: _Orders, n: int) -> dict:
    order, item, cents = o.order(), o.rng.choice(ITEMS), o.cents()
    reason = ["damaged", "late", "not_as_described"][n % 3]
    said = {
        "damaged": "arrived damaged",
        "late": "came a week late",
        "not_as_described": "is not what the page showed",
    }
    refund = {"order_id": order, "amount_cents": cents, "reason": reason}
    return _row(
        [
            {
                "role": "user",
                "content": f"My {item} from order {order} {said[reason]}. I'd like a refund.",
            },
            _calls(_call(f"call_r{n}a", "lookup_order", {"order_id": order})),
            _result(
                f"call_r{n}a", {"order_id": order, "status": "delivered", "total_cents": cents}
            ),
            _calls(_call(f"call_r{n}b", "issue_refund", refund)),
            _result(
                f"call_r{n}b",
                {"refund_id": f"RF-{o.rng.randint(10000, 99999)}", "state": "approved"},
            ),
            {
                "role": "assistant",
                "content": f"I'm sorry about the {item}. I've refunded {_money(cents)} to your "
                "original payment method; it shows up in 3-5 business days.",
            },
        ],
        "returns",
    )


def _parallel_row(o: _Orders, n: int) -> dict:
    first, second = o.order(), o.order()
    return _row(
        [
            {
                "role": "user",
                "content": f"I placed two orders, {first} and {second}. Have both shipped?",
            },
            _calls(
                _call(f"call_p{n}a", "lookup_order", {"order_id": first}),
                _call(f"call_p{n}b", "lookup_order", {"order_id": second}),
            ),
            _result(f"call_p{n}a", {"order_id": first, "status": "shipped"}),
            _result(f"call_p{n}b", {"order_id": second, "status": "processing"}),
            {
                "role": "assistant",
                "content": f"Order {first} has shipped. Order {second} is still being packed and "
                "should leave the warehouse tomorrow.",
            },
        ],
        "shipping",
    )


def _history_row(o: _Orders, n: int) -> dict:
    customer = f"C-{o.rng.randint(10000, 99999)}"
    orders = [o.order() for _ in range(2)]
    return _row(
        [
            {
                "role": "user",
                "content": f"Which orders do I have open? My customer number is {customer}.",
            },
            _calls(_call(f"call_h{n}", "list_orders", {"customer_id": customer, "limit": 5})),
            _result(f"call_h{n}", [{"order_id": x, "status": "processing"} for x in orders]),
            {
                "role": "assistant",
                "content": f"You have two open orders, {orders[0]} and {orders[1]}; both are being "
                "prepared for shipping.",
            },
        ],
        "account",
    )


def _escalation_row(o: _Orders, n: int) -> dict:
    order = o.order()
    return _row(
        [
            {
                "role": "user",
                "content": f"Order {order} was charged twice and my bank flagged it. "
                "Please sort it out.",
            },
            _calls(
                _call(
                    f"call_e{n}",
                    "escalate_to_human",
                    {"summary": f"Double charge on order {order}."},
                )
            ),
        ],
        "billing",
    )


def _image_row(o: _Orders, n: int) -> dict:
    item = ITEMS[n % len(ITEMS)]
    url = f"https://cdn.tallowfern.example.com/uploads/claim-{o.rng.randint(1000, 9999)}.jpg"
    return {
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "text",
                        "text": f"My {item} came like this. Is it covered by the warranty?",
                    },
                    {"type": "image_url", "image_url": {"url": url}},
                ],
            },
            {
                "role": "assistant",
                "content": f"Thanks for the photo. Damage in transit is covered for the {item}: "
                "reply with your order number and we will send a replacement at no cost.",
            },
        ],
        "category": "returns",
    }


def build_agent(row_type: Any) -> list:
    """The rows of support_agent.jsonl as generate.Row objects, planted ones among them."""
    rng = random.Random(20240612)  # its own seed: the other files stay byte-identical
    o = _Orders(rng)
    clean = [
        *(_status_row(o, n) for n in range(4)),
        *(_refund_row(o, n) for n in range(3)),
        _parallel_row(o, 0),
        _history_row(o, 0),
        _escalation_row(o, 0),
    ]
    rows = [row_type(r, intent="tool_use") for r in clean]
    rows += [row_type(_image_row(o, n), intent="image") for n in range(3)]
    rows += [row_type(r, problems=(p,), intent=p) for p, r in _planted(o)]
    rng.shuffle(rows)
    return rows


def _planted(o: _Orders) -> list[tuple[str, dict]]:
    orphan = _status_row(o, 10)
    orphan["messages"].insert(4, _result("call_x1", {"status": "unknown"}))
    not_json = _status_row(o, 11)
    not_json["messages"][2]["tool_calls"][0]["function"]["arguments"] = "{order_id: TF-4471"
    wrong_type = _refund_row(o, 12)
    arguments = json.loads(wrong_type["messages"][4]["tool_calls"][0]["function"]["arguments"])
    arguments["amount_cents"] = _money(arguments["amount_cents"])  # "$41.50", not an integer
    wrong_type["messages"][4]["tool_calls"][0]["function"]["arguments"] = json.dumps(arguments)
    undeclared = _status_row(o, 13)
    order = json.loads(undeclared["messages"][2]["tool_calls"][0]["function"]["arguments"])[
        "order_id"
    ]
    undeclared["messages"][1]["content"] = f"Please cancel order {order} before it ships."
    undeclared["messages"][2]["tool_calls"][0]["function"]["name"] = "cancel_order"
    undeclared["messages"][3]["content"] = json.dumps({"order_id": order, "cancelled": True})
    undeclared["messages"][4]["content"] = f"Order {order} is cancelled; you will not be charged."
    pii = _refund_row(o, 14)
    arguments = json.loads(pii["messages"][4]["tool_calls"][0]["function"]["arguments"])
    arguments["notify_email"] = "marisol.quint@example.org"
    pii["messages"][4]["tool_calls"][0]["function"]["arguments"] = json.dumps(arguments)
    return [
        ("orphan_tool_result", orphan),
        ("non_json_arguments", not_json),
        ("wrong_argument_type", wrong_type),
        ("undeclared_tool", undeclared),
        ("pii_in_arguments", pii),
    ]


def check(rows: list) -> None:
    """Raise unless each planted row carries its problem and the clean rows are well formed."""
    for row in rows:
        problem = row.problems[0] if row.problems else ""
        if len(row.problems) > 1 or not _carries(problem, row.data):
            raise ValueError(f"{AGENT}: check failed for {problem or 'clean'} row: {row.data}")


def _carries(problem: str, data: dict) -> bool:
    messages = data["messages"]
    calls = [c for m in messages for c in m.get("tool_calls") or []]
    ids = {c["id"] for c in calls}
    answered = [m["tool_call_id"] for m in messages if m["role"] == "tool"]
    names = {t["function"]["name"] for t in data.get("tools", [])}
    arguments = [c["function"]["arguments"] for c in calls]
    if problem == "orphan_tool_result":
        return any(a not in ids for a in answered)
    if problem == "non_json_arguments":
        return any(_not_json(a) for a in arguments)
    if problem == "wrong_argument_type":
        return any('"amount_cents": "$' in a for a in arguments)
    if problem == "undeclared_tool":
        return any(c["function"]["name"] not in names for c in calls)
    if problem == "pii_in_arguments":
        return any("@example.org" in a for a in arguments)
    return (
        set(answered) <= ids
        and len(answered) == len(set(answered))
        and all(c["function"]["name"] in names for c in calls)
        and all(isinstance(json.loads(a), dict) for a in arguments)
    )


def _not_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return True
    return False
