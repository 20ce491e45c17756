from __future__ import annotations

import pytest
import torch

from demos.common.minilm import minilm_path
from demos.ct_synthesis.text_encoder import EMBED_DIM, FrozenTextEncoder


@pytest.fixture(scope="module")
def encoder() -> FrozenTextEncoder:
    torch.set_num_threads(1)
    return FrozenTextEncoder()


def test_shapes_mask_and_normalised_pool(encoder: FrozenTextEncoder) -> None:
    out = encoder(["Lung CT scan.", "Lung CT scan. Age: 68. Smoker: yes."])
    b, length, dim = out.tokens.shape
    assert (
        (b, dim) == (2, EMBED_DIM)
        and out.mask.shape == (2, length)
        and out.pooled.shape == (2, EMBED_DIM)
    )
    assert out.mask[1].all() and not out.mask[0].all()
    assert torch.allclose(out.pooled.norm(dim=-1), torch.ones(2), atol=1e-5)


def test_frozen_and_eval(encoder: FrozenTextEncoder) -> None:
    encoder.train()
    assert not encoder.model.training
    assert not any(p.requires_grad for p in encoder.parameters())


def test_parity_with_sentence_transformers(encoder: FrozenTextEncoder) -> None:
    st = pytest.importorskip("sentence_transformers")
    ref = st.SentenceTransformer(str(minilm_path()), device="cpu")
    sentences = ["Lung CT scan. Smoker: no.", "Lung CT scan. Age: 24."]
    expected = ref.encode(sentences, convert_to_tensor=True)
    assert torch.allclose(encoder(sentences).pooled, expected, atol=1e-5)
