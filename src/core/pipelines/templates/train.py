"""Train: fit a logistic regression on the prepared CSV data and save it as model.json.

Uses scikit-learn when it is installed (the Azure ML environment of this step); without it (the local
emulator) a small plain-Python logistic regression writes the same model.json.
"""
@@trainArgs@@

try:
    from sklearn.linear_model import LogisticRegression
except ImportError:
    LogisticRegression = None


@@readRows@@


@@fitPlain@@


features, x, y = train_plain(args.training_data)
if LogisticRegression is not None:
    fitted = LogisticRegression().fit(x, y)
    weights, bias, used = [float(w) for w in fitted.coef_[0]], float(fitted.intercept_[0]), "scikit-learn"
else:
    (weights, bias), used = fit_logistic(x, y), "plain Python"
model = {"features": features, "weights": weights, "bias": bias, "trained_with": used}
os.makedirs(args.model_output, exist_ok=True)
with open(os.path.join(args.model_output, "model.json"), "w") as f:
    json.dump(model, f)
print(f"train: fitted on {len(x)} rows with {used}, model in {args.model_output}")
