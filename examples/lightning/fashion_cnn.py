# The same program as io.fulmen.examples.cnn.FashionCnn, written with PyTorch Lightning 2.x: the yardstick for
# Fulmen's "less plumbing than Lightning" (LineCountTest compares their non-blank, non-comment lines).
# Not run by the build: Lightning is not installable here.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, random_split
from torchvision import datasets, transforms
import lightning as L
from lightning.pytorch.callbacks import EarlyStopping, LearningRateMonitor, ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger


class FashionMNISTDataModule(L.LightningDataModule):
    def __init__(self, data_dir="/usr/share/datasets/fashion-mnist", batch_size=64):
        super().__init__()
        self.save_hyperparameters()
        self.transform = transforms.ToTensor()

    def setup(self, stage):
        if stage == "fit":
            full = datasets.FashionMNIST(self.hparams.data_dir, train=True, transform=self.transform)
            generator = torch.Generator().manual_seed(42)
            self.train_set, self.val_set = random_split(full, [55000, 5000], generator=generator)
        else:
            self.test_set = datasets.FashionMNIST(self.hparams.data_dir, train=False, transform=self.transform)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.hparams.batch_size, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=256)

    def test_dataloader(self):
        return DataLoader(self.test_set, batch_size=256)

    def predict_dataloader(self):
        return DataLoader(self.test_set, batch_size=256)


class LitCNN(L.LightningModule):
    def __init__(self, channels=32, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(2 * channels * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss, prog_bar=True)
        return loss

    def evaluate(self, batch, stage):
        x, y = batch
        logits = self(x)
        self.log(f"{stage}_loss", F.cross_entropy(logits, y), prog_bar=True)
        self.log(f"{stage}_acc", (logits.argmax(1) == y).float().mean(), prog_bar=True)

    def validation_step(self, batch, batch_idx):
        self.evaluate(batch, "val")

    def test_step(self, batch, batch_idx):
        self.evaluate(batch, "test")

    def predict_step(self, batch, batch_idx):
        x, _ = batch
        return self(x).argmax(1)

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=self.hparams.lr, total_steps=self.trainer.estimated_stepping_batches)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}


def main(epochs=3):
    data = FashionMNISTDataModule()
    checkpoint = ModelCheckpoint(monitor="val_loss", save_top_k=2, save_last=True)
    trainer = L.Trainer(
        max_epochs=epochs,
        callbacks=[checkpoint, EarlyStopping(monitor="val_loss", patience=3),
                   LearningRateMonitor(logging_interval="step")],
        logger=[CSVLogger("."), TensorBoardLogger(".")],
        gradient_clip_val=1.0,
        accumulate_grad_batches=2,
        val_check_interval=0.5,
    )
    model = LitCNN()
    trainer.fit(model, data, ckpt_path="last")
    trainer.test(model, data, ckpt_path="best")
    predicted = torch.cat(trainer.predict(model, data, ckpt_path="best"))
    print("predicted classes of the first ten test images:", predicted[:10].tolist())

    best = LitCNN.load_from_checkpoint(checkpoint.best_model_path)
    best.eval()
    x, y = next(iter(data.test_dataloader()))
    with torch.no_grad():
        accuracy = (best(x).argmax(1) == y).float().mean().item()
    print(f"reloaded best model, accuracy on one test batch: {accuracy:.3f}")


if __name__ == "__main__":
    L.seed_everything(42)
    main()
