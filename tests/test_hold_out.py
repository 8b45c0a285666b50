"""datasets.hold_out: the validation set is the last n training examples (NNDL's split)."""

import os

import numpy as np
import pytest

from nnwidgets.datasets import Dataset, hold_out, load_bundled, load_mnist

# 10 examples of 3 pixels whose first pixel is the example's index, labels 100..109: where each
# example lands is read straight off the arrays. 10 != 3 catches a split along the wrong axis.
X = np.arange(30, dtype=np.float32).reshape(10, 3) // 3
Y = np.arange(100, 110)
DATA = Dataset(X, Y, np.zeros((2, 3), np.float32), np.zeros(2, np.int64))


def test_the_validation_set_is_the_last_n_training_examples():
    (X_train, y_train), (X_val, y_val) = hold_out(DATA, 3)
    assert X_train[:, 0].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert y_train.tolist() == [100, 101, 102, 103, 104, 105, 106]
    assert X_val[:, 0].tolist() == [7, 8, 9]
    assert y_val.tolist() == [107, 108, 109]


def test_an_x_y_pair_splits_as_a_dataset_does():
    (X_train, _), (X_val, y_val) = hold_out((X, Y), 1)
    assert len(X_train) == 9 and y_val.tolist() == [109] and X_val.shape == (1, 3)


def test_the_test_set_is_left_out_of_the_split():
    train, validation = hold_out(DATA, 4)
    assert len(train[0]) + len(validation[0]) == len(DATA.X_train)


def test_the_split_is_views_not_copies():
    (X_train, _), (X_val, _) = hold_out(DATA, 3)
    assert np.shares_memory(X_train, X) and np.shares_memory(X_val, X)


def test_bundled_subset_splits_into_8000_and_2000():
    data = load_bundled()
    (X_train, _), (X_val, y_val) = hold_out(data, 2_000)
    assert X_train.shape == (8_000, 784) and y_val.shape == (2_000,)
    np.testing.assert_array_equal(X_val, data.X_train[8_000:])


@pytest.mark.skipif(not os.environ.get("NNWIDGETS_DATA"), reason="needs full MNIST")
def test_full_mnist_gives_the_books_50k_10k_split():
    data = load_mnist(download=False, progress=False)
    (X_train, _), (X_val, y_val) = hold_out(data, 10_000)
    assert len(X_train) == 50_000 and len(X_val) == 10_000 and len(data.X_test) == 10_000
    # mnist.pkl.gz's validation set is training images 50,000 to 59,999, in the IDX files' order
    np.testing.assert_array_equal(y_val, data.y_train[50_000:])


@pytest.mark.parametrize("n", [0, 10, 11, -1, 2.0, True, "3", None])
def test_n_out_of_range_is_refused_with_the_range(n):
    with pytest.raises(
        ValueError,
        match=r"n must be an integer from 1 to 9: the validation "
        r"examples come out of the 10 training examples.*got",
    ):
        hold_out(DATA, n)


def test_what_is_not_a_dataset_or_a_pair_is_refused():
    with pytest.raises(
        TypeError,
        match=r"data must be a Dataset .* or an \(X, y\) pair; "
        r"got tuple of length 3",
    ):
        hold_out((X, Y, X), 2)
    with pytest.raises(TypeError, match=r"data must be a Dataset.*got int"):
        hold_out(5, 2)
    with pytest.raises(TypeError, match=r"must be arrays; got list and ndarray"):
        hold_out(([1, 2, 3], Y), 2)


def test_images_and_labels_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match=r"as many; got 10 images and 9 labels"):
        hold_out((X, Y[:9]), 2)
