"""scikit-learn's estimator contract, checked on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor

# Small networks and few epochs: the checks test the contract, not the fit.
SMALL = dict(
    hidden_layer_sizes=(32,),
    max_iter=40,
    learning_rate_init=0.01,
    batch_size=32,
    random_state=0,
)
ESTIMATORS = [
    SupervisedEmotionRegressor(**SMALL),
    AAEEmotionRegressor(style_dim=4, discriminator_layer_sizes=(8,), **SMALL),
]
EXPECTED_FAILED = {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED)
def test_sklearn_contract(estimator, check):
    check(estimator)
