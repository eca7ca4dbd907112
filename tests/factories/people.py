import factory

from presales.people import services
from presales.people.models import Role, Team, TeamKind, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.SALES

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.team_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.SALES
    password = "pw-for-tests-123"  # noqa: S105

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.user_create(**kwargs)
