"""``Campaigns``: the county campaigns of one source (a province, the nation), by campaign id.

No I/O here: a lazily loaded source hands over one loader per campaign (a function the
``io`` layer writes), and a campaign's dataset is built when it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from reliefkit._privacy import printable
from reliefkit.exceptions import InvalidValueError
from reliefkit.models._dataset import Dataset

Loader = Callable[[], Dataset]
"""Builds one campaign's dataset when it is asked for (a lazily loaded source)."""

_SHOWN = 5  # campaign ids a repr lists before counting the rest


@attrs.frozen(eq=False, repr=False)
class Campaigns(Mapping[str, Dataset]):
    """An ordered, read-only mapping campaign id → :class:`Dataset`, in campaign-id order.

    Build one with :meth:`of` (datasets in memory) or :meth:`lazy` (one loader per
    campaign: each access builds that campaign's dataset anew and keeps nothing, so that a
    loop over :meth:`items` holds about one campaign at a time). ``source`` says where the
    campaigns were read from (empty when built in Python).
    """

    source: str
    _entries: Mapping[str, Dataset | Loader]

    @classmethod
    def of(cls, datasets: Iterable[Dataset], *, source: str = "") -> Campaigns:
        """The campaigns of ``datasets``; two datasets of one campaign id are refused."""
        entries: dict[str, Dataset | Loader] = {}
        for dataset in datasets:
            if not isinstance(dataset, Dataset):
                raise InvalidValueError(
                    f"datasets: expected reliefkit Datasets, got {type(dataset).__name__}"
                )
            key = dataset.campaign.id
            if key in entries:
                raise InvalidValueError(f"campaign id={key!r}: given twice")
            entries[key] = dataset
        return cls(source, dict(sorted(entries.items())))

    @classmethod
    def lazy(cls, loaders: Mapping[str, Loader], *, source: str = "") -> Campaigns:
        """Campaigns whose datasets are built on access by ``loaders`` (campaign id →
        a function returning that campaign's dataset)."""
        return cls(source, dict(sorted(loaders.items())))

    @property
    def is_lazy(self) -> bool:
        """Whether datasets are built when asked for (and not kept)."""
        return any(not isinstance(entry, Dataset) for entry in self._entries.values())

    def __getitem__(self, campaign_id: str) -> Dataset:
        entry = self._entries[campaign_id]
        if isinstance(entry, Dataset):
            return entry
        dataset = entry()
        if dataset.campaign.id != campaign_id:  # the source changed since it was listed
            raise InvalidValueError(
                f"campaign id={campaign_id!r}: its source now holds campaign "
                f"{dataset.campaign.id!r}; load the source again"
            )
        return dataset

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Campaigns):
            return NotImplemented
        return list(self) == list(other) and all(self[k] == other[k] for k in self)

    __hash__ = None  # type: ignore[assignment]  # a mapping: compared by content

    def __repr__(self) -> str:
        ids = [printable(key) for key in list(self._entries)[:_SHOWN]]
        if len(self) > _SHOWN:
            ids.append(f"… {len(self) - _SHOWN} more")
        where = f" from {printable(self.source)!r}" if self.source else ""
        lazy = ", loaded when used" if self.is_lazy else ""
        noun = "campaign" if len(self) == 1 else "campaigns"
        return f"<Campaigns: {len(self)} {noun}{where}{lazy}: {', '.join(ids)}>"
