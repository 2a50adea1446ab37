import torch

x = torch.tensor(3.0, requires_grad=True); y = x**2; y.backward(); print(x.grad)

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
loss = (a * a).sum() + a.mean()
loss.backward()
print("loss", loss)
print("grad", a.grad)

(a * 2).sum().backward()
print(a.grad)
a.grad.zero_()
print(a.grad)
