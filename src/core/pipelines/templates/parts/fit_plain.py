def fit_logistic(x, y, steps=1000, rate=0.5):
    """Logistic regression by batch gradient descent (used when scikit-learn / Spark ML is missing)."""
    w = [0.0] * len(x[0])
    b = 0.0
    for _ in range(steps):
        gw = [0.0] * len(w)
        gb = 0.0
        for xi, yi in zip(x, y):
            z = max(-30.0, min(30.0, b + sum(a * v for a, v in zip(w, xi))))
            err = 1.0 / (1.0 + math.exp(-z)) - yi
            gw = [g + err * v for g, v in zip(gw, xi)]
            gb += err
        w = [a - rate * g / len(x) for a, g in zip(w, gw)]
        b -= rate * gb / len(x)
    return w, b


def train_plain(training_data):
    rows = read_rows(training_data)
    if not rows:
        raise SystemExit(f"train: no rows in {training_data}")
    features = [c for c in rows[0] if c != "label"]
    x = [[float(r[c]) for c in features] for r in rows]
    y = [int(float(r["label"])) for r in rows]
    return features, x, y
