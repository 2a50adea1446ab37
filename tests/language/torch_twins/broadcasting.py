# Vectors and matrices with broadcasting; gradients are summed back to each input's shape.
import torch

W = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], requires_grad=True)
bias = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
scale = torch.tensor(2.0, requires_grad=True)
X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5], [0.0, 1.0]])

h = X @ W + bias          # (4, 3) + (3,)
out = torch.tanh(h) * scale
loss = (out ** 2).mean()
print(h)
print(out)
print(loss)
loss.backward()
print(W.grad)
print(bias.grad)
print(scale.grad)

col = torch.tensor([[1.0], [2.0]])
row = torch.tensor([10.0, 20.0, 30.0])
print(col + row)
print((col * row).sum(dim=0))
print(torch.softmax(row / 10, dim=0))
