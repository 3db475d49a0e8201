"""Backend settings, read from the environment (and `.env` in the working directory)."""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    SUPABASE_URL: str
    # The secret key (`sb_secret_…`), or the legacy service-role JWT under its old name.
    SUPABASE_SECRET_KEY: str = Field(validation_alias=AliasChoices("SUPABASE_SECRET_KEY", "SUPABASE_SERVICE_ROLE_KEY"))

    @property
    def SUPABASE_SERVICE_ROLE_KEY(self) -> str:  # noqa: N802 - the name the guide's modules read
        return self.SUPABASE_SECRET_KEY


settings = Settings()
