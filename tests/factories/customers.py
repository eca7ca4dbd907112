import factory

from presales.customers import services
from presales.customers.models import Account, Contact, Industry, Region


class AccountFactory(factory.django.DjangoModelFactory):
    """Pass `owner=`; the account is created by its owner unless `actor=` says otherwise."""

    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n}")
    industry = Industry.FINANCE
    region = Region.EAST

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.account_create(actor=actor or kwargs["owner"], **kwargs)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")
    title = "IT Director"

    @classmethod
    def _create(cls, model_class, *args, actor=None, account, **kwargs):
        return services.contact_create(actor=actor or account.owner, account=account, **kwargs)
