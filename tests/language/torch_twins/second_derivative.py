# A second derivative through create_graph=True: the backward pass is itself recorded.
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x ** 3 + torch.sin(x)
(dy_dx,) = torch.autograd.grad(y, x, create_graph=True)
print(dy_dx)
(d2y_dx2,) = torch.autograd.grad(dy_dx, x)
print(d2y_dx2)
print(3 * 2.0 ** 2 + torch.cos(x), 6 * 2.0 - torch.sin(x))
