// Autodiff: dense tensors with reverse-mode differentiation to any order (see Tensor.swift).
