"""PyTorch on one thread, the same workloads as src/workload.ts: one JSON line per workload, or with --serve one per request read from stdin."""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)


def measure(fn, seconds=2.0, min_samples=5):
    fn(); fn()
    times, start = [], time.perf_counter()
    while len(times) < min_samples or time.perf_counter() - start < seconds:
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


class Model(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.rnn = torch.nn.LSTM(w['inputSize'], w['hiddenSize'], w['numLayers'], batch_first=True)
        self.head = torch.nn.Linear(w['hiddenSize'], w['classes'])

    def forward(self, x, state=None):
        out, state = self.rnn(x, state)
        return self.head(out[:, -1]), state


def blas():
    """Which BLAS torch runs on: its build's BLAS_INFO and the library actually mapped into this process."""
    torch.mm(torch.rand(64, 64), torch.rand(64, 64))
    info = next((part.split('=')[1] for part in torch.__config__.show().replace(',', '\n').split('\n') if 'BLAS_INFO' in part), '?')
    with open('/proc/self/maps') as maps:
        libs = sorted({line.split()[-1] for line in maps if 'blas' in line.lower() and '/' in line})
    return f"BLAS_INFO={info.strip()}; loaded: {', '.join(libs) or 'none'}"


def bench(w, seconds):
    model = Model(w)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(w['batch'], w['steps'], w['inputSize']) * 2 - 1
    y = torch.randint(0, w['classes'], (w['batch'],))

    def train():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x)[0], y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    def infer():
        with torch.no_grad():
            model(x)[0].numpy()

    state = [None]
    step = x[:1, :1]

    def stream():
        with torch.no_grad():
            out, state[0] = model(step, state[0])
            out.numpy()

    return {
        'library': f'PyTorch {torch.__version__} (1 thread)', 'workload': w['name'],
        'trainSequencesPerSecond': w['batch'] / measure(train, seconds),
        'inferSequencesPerSecond': w['batch'] / measure(infer, seconds),
        'streamMicrosecondsPerStep': measure(stream, seconds) * 1e6,
        'note': blas(),
    }


if __name__ == '__main__':
    if sys.argv[1:] == ['--serve']:
        # One process for the whole run (torch imported once): each line of stdin is a request
        # {"workload": …, "seconds": …}, each answered by one JSON line — so bench.ts can put a
        # PyTorch measurement between two of ours, round after round.
        for line in sys.stdin:
            request = json.loads(line)
            print(json.dumps(bench(request['workload'], request['seconds'])), flush=True)
    else:
        config = json.loads(sys.argv[1])
        for workload in config['workloads']:
            print(json.dumps(bench(workload, config['seconds'])), flush=True)
