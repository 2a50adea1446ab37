import torch

x = torch.tensor(6.7)
y = torch.tensor(0.0)
w = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
lr = 0.1

def bce(prediction, target):
    eps = 1e-8
    prediction = torch.clamp(prediction, eps, 1 - eps)
    return -(target * torch.log(prediction) + (1 - target) * torch.log(1 - prediction))

for step in range(50):
    loss = bce(torch.sigmoid(w * x + b), y)
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if step % 10 == 0:
        print(f"step {step:2d}  loss {loss.item():.6f}  w {w.item():.4f}  b {b.item():.4f}")

print("final w:", w)
print("final b:", b)
print("prediction:", torch.sigmoid(w * x + b))
