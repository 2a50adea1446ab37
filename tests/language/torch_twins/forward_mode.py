import torch
from torch.func import grad, hessian, jvp

def f(x):
    return torch.sin(x) * x ** 2

x = torch.tensor([0.5, 1.0, 2.0])
v = torch.tensor([1.0, 0.0, 0.0])
value, tangent = jvp(f, (x,), (v,))
print(value)
print(tangent)

def g(t):
    return t ** 3 + 2 * t

dg = grad(g)
ddg = grad(grad(g))
print(dg(torch.tensor(2.0)), ddg(torch.tensor(2.0)))

def h(p):
    return (p[0] ** 2) * p[1] + p[1] ** 3

print(hessian(h)(torch.tensor([1.0, 2.0])))
