"""What each language's SDK reader makes of a pasted call: the request it reads (method, URL,
body, query, notes) and the findings. One case per way a language writes a call (imports,
declarations, setters, chains), each a shape the readers handle and a paste would show."""

from __future__ import annotations

import pytest

from bridgebot.check import check_paste
from bridgebot.check.specs import SpecSet

_POSITIONAL = "some arguments are positional or computed, so their field names are not checked"


@pytest.fixture(scope="module")
def both(stripe_specs: SpecSet, github_specs: SpecSet) -> SpecSet:
    return SpecSet([*stripe_specs.specs, *github_specs.specs])


def _requests(text: str, specs: SpecSet) -> list[tuple]:
    """The SDK requests read from a paste: method, URL, body, query and notes."""
    return [(r.method, r.url, r.body, r.query_value, r.notes)
            for r in (q.request for q in check_paste(text, specs).requests) if r.source.startswith("sdk:")]


def _findings(text: str, specs: SpecSet) -> list[tuple[str, str]]:
    return [(f.kind, f.field) for f in check_paste(text, specs).findings]


def _go(body: str) -> str:
    return f"```go\n{body}\n```"


@pytest.mark.parametrize("text, request_read", [
    # An import path names the package's resource: checkout's session, not the billing portal's.
    (_go('import (\n\t"github.com/stripe/stripe-go/v76"\n\t"github.com/stripe/stripe-go/v76/checkout/session"\n)\n'
         's, err := session.Get("cs_test_1", nil)'),
     ("GET", "https://api.stripe.com/v1/checkout/sessions/cs_test_1", None, None, [])),
    # An aliased import: the alias stands for the package (an old, unversioned path too).
    (_go('import (\n\t"context"\n\tcu "github.com/stripe/stripe-go/customer"\n)\nc, err := cu.Get("cus_1", nil)'),
     ("GET", "https://api.stripe.com/v1/customers/cus_1", None, None, [])),
    # Params declared with var (with =, or assigned later), then passed by name.
    (_go('var params = &stripe.CustomerParams{Email: stripe.String("a@b.co")}\nc, err := customer.New(params)'),
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co"}', None, [])),
    (_go('var params *stripe.CustomerParams\nparams = &stripe.CustomerParams{Email: stripe.String("a@b.co")}\n'
         'c, err := customer.New(params)'),
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co"}', None, [])),
    # A field set after the params are made, its name all capitals (URL): the url field.
    (_go('params := &stripe.WebhookEndpointParams{EnabledEvents: []*string{stripe.String("charge.succeeded")}}\n'
         'params.URL = stripe.String("https://example.com/hook")\nendpoint, err := webhookendpoint.New(params)'),
     ("POST", "https://api.stripe.com/v1/webhook_endpoints",
      '{"enabled_events": ["charge.succeeded"], "url": "https://example.com/hook"}', None, [])),
])
def test_go_imports_declarations_and_fields_set_later(both: SpecSet, text: str, request_read: tuple) -> None:
    assert _requests(text, both) == [request_read]


def test_go_a_comment_among_the_arguments_is_not_an_argument(both: SpecSet) -> None:
    # It was read as a value we cannot see, so the call was said to have positional arguments.
    text = _go('params := &stripe.CustomerParams{Email: stripe.String("a@b.co")}\n'
               'c, err := customer.New(\n\tparams, // built above\n)')
    assert _requests(text, both) == [("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co"}', None, [])]


@pytest.mark.parametrize("text, request_read, findings", [
    # A service declared first and assigned later is still the service.
    ("CustomerService service;\nservice = new CustomerService();\n"
     "var customer = service.Create(new CustomerCreateOptions { Email = \"a@b.co\", Balance = \"x\" }); // Stripe",
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x"}', None, []),
     [("wrong_type", "balance")]),
    # Named arguments name the method's parameters (options, requestOptions, owner, name,
    # number), not fields of the request: read in the order written. Both were read as fields
    # (`options` unknown, the path left unfilled).
    ("var service = new CustomerService();\nservice.Create(options: new CustomerCreateOptions { Email = \"a@b.co\", "
     "Balance = \"x\" }, requestOptions: new RequestOptions { IdempotencyKey = \"k1\" }); // Stripe",
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x"}', None, []),
     [("wrong_type", "balance")]),
    ("var client = new GitHubClient(new ProductHeaderValue(\"app\"));\n"
     "var issue = await client.Issue.Get(owner: \"octo\", name: \"site\", number: 5);",
     ("GET", "https://api.github.com/repos/octo/site/issues/5", None, None, []), []),
    # A service named with its namespace: Stripe.Checkout.SessionService is checkout's session.
    ("var service = new Stripe.Checkout.SessionService();\nvar session = service.Get(\"cs_test_1\"); // Stripe",
     ("GET", "https://api.stripe.com/v1/checkout/sessions/cs_test_1", None, None, []), []),
])
def test_csharp_services_and_named_arguments(both: SpecSet, text: str, request_read: tuple, findings: list) -> None:
    assert (_requests(text, both), _findings(text, both)) == ([request_read], findings)


@pytest.mark.parametrize("text, request_read, findings", [
    # octokat: the values given to a call inside the chain are the path's (owner, repo).
    ("const octo = new Octokat({token});\nawait octo.repos('octo', 'site').issues.create({title: 't'});",
     ("POST", "https://api.github.com/repos/octo/site/issues", '{"title": "t"}', None, []), []),
    # A client made in the chain itself, or reached through TypeScript's non-null `!`.
    ("await new Stripe(process.env.STRIPE_KEY).customers.create({email: 'a@b.co', balance: 'x'});",
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x"}', None, []),
     [("wrong_type", "balance")]),
    ('```ts\nconst c = await this.stripe!.customers.create({email: "a@b.co", balance: "x"});\n```',
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x"}', None, []),
     [("wrong_type", "balance")]),
    # PyGithub: the repository's full name given in the chain fills owner and repo.
    ("g.get_repo('octo/site').create_issue(title='t', body='b')",
     ("POST", "https://api.github.com/repos/octo/site/issues", '{"title": "t", "body": "b"}', None, []), []),
    # Namespaces and nested services: checkout's session in Ruby and PHP, PHP's ?-> too.
    ("Stripe::Checkout::Session.create(mode: 'payment', success_url: 'https://x.co')",
     ("POST", "https://api.stripe.com/v1/checkout/sessions", '{"mode": "payment", "success_url": "https://x.co"}',
      None, []), []),
    # Without its namespace a bare Session is checkout's: FinancialConnections' is read from the scope.
    ("Stripe::FinancialConnections::Session.retrieve('fcsess_1')",
     ("GET", "https://api.stripe.com/v1/financial_connections/sessions/fcsess_1", None, None, []), []),
    ("$stripe->financialConnections->sessions->retrieve('fcsess_1');",
     ("GET", "https://api.stripe.com/v1/financial_connections/sessions/fcsess_1", None, None, []), []),
    ("import com.stripe.model.billingportal.Session;\nMap<String, Object> params = new HashMap<>();\n"
     "params.put(\"customer\", \"cus_1\");\nSession session = Session.create(params);",
     ("POST", "https://api.stripe.com/v1/billing_portal/sessions", '{"customer": "cus_1"}', None, []), []),
    ("$session = $stripe->checkout->sessions->create(['mode' => 'payment', 'success_url' => 'https://x.co']);",
     ("POST", "https://api.stripe.com/v1/checkout/sessions", '{"mode": "payment", "success_url": "https://x.co"}',
      None, []), []),
    ("\\Stripe\\Checkout\\Session::create(['mode' => 'payment', 'success_url' => 'https://x.co']);",
     ("POST", "https://api.stripe.com/v1/checkout/sessions", '{"mode": "payment", "success_url": "https://x.co"}',
      None, []), []),
    ("$this->stripe?->customers->create(['email' => 'a@b.co', 'balance' => 'x']);",
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x"}', None, []),
     [("wrong_type", "balance")]),
    # Java: an import names the class's package (checkout's Session); a map assigned after it
    # is declared is still the params.
    ("import com.stripe.model.checkout.Session;\nSession session = Session.retrieve(\"cs_test_1\");",
     ("GET", "https://api.stripe.com/v1/checkout/sessions/cs_test_1", None, None, []), []),
    ("// stripe\nMap<String, Object> params;\nparams = new HashMap<>();\nparams.put(\"email\", \"a@b.co\");\n"
     "params.put(\"balance\", \"x\");\nCustomer.create(params);",
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x"}', None, []),
     [("wrong_type", "balance")]),
])
def test_the_chain_before_the_method_names_the_resource(both: SpecSet, text: str, request_read: tuple,
                                                        findings: list) -> None:
    assert (_requests(text, both), _findings(text, both)) == ([request_read], findings)


_CUSTOMER = ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x"}', None, [])


@pytest.mark.parametrize("text, request_read", [
    # A comment among the arguments is not an argument (it was read as a positional value).
    ("stripe.Customer.create(\n    email='a@b.co',  # the customer's\n    balance='x',\n)", _CUSTOMER),
    ("Stripe::Customer.create(\n  email: 'a@b.co', # the customer's\n  balance: 'x'\n)", _CUSTOMER),
    ("await stripe.customers.create(\n  {email: 'a@b.co', balance: 'x'}, // the customer's\n);", _CUSTOMER),
    ("var options = new CustomerCreateOptions\n{\n    Email = \"a@b.co\", // the customer\n    Balance = \"x\",\n};\n"
     "var service = new CustomerService();\nservice.Create(options); // Stripe", _CUSTOMER),
    # A Ruby block given to the call is not a value sent.
    ("Stripe::Customer.list(limit: 3, &block)",
     ("GET", "https://api.stripe.com/v1/customers", "{}", {"limit": 3}, [])),
    # A C# index initializer: the key in brackets is the key (it was read as `["order"]`).
    ("var options = new CustomerCreateOptions { Email = \"a@b.co\", Balance = \"x\", "
     "Metadata = new Dictionary<string, string> { [\"order\"] = \"6735\" } };\n"
     "var service = new CustomerService();\nservice.Create(options); // Stripe",
     ("POST", "https://api.stripe.com/v1/customers", '{"email": "a@b.co", "balance": "x", "metadata": {"order": "6735"}}',
      None, [])),
])
def test_comments_blocks_and_index_initializers_in_a_call(both: SpecSet, text: str, request_read: tuple) -> None:
    assert _requests(text, both) == [request_read]


def _nested(n: int, root: str) -> str:
    return "(" * n + root + ")" * n


@pytest.mark.parametrize("text, read", [
    # The readers walk a call's chain at most 12 nodes deep (sdk.base.MAX_DEPTH; each pair of
    # brackets is one node). Where the chain's root names the resource (`stripe.Customer`), it is
    # read up to that depth and not past it: a hostile paste gets no deep recursion.
    *[(f"```python\nc = {_nested(n, 'stripe.Customer')}.create(email='a@b.co')\n```", n <= 11)
      for n in (0, 11, 12, 2000)],
    *[(f"```ruby\nc = {_nested(n, 'Stripe::Customer')}.create(email: 'a@b.co')\n```", n <= 12)
      for n in (0, 12, 13, 2000)],
    *[("```csharp\nusing Stripe;\nvar c = " + _nested(n, "new CustomerService()")
       + ".Create(new CustomerCreateOptions { Email = \"a@b.co\" });\n```", n <= 11)
      for n in (0, 11, 12, 2000)],
], ids=["py-0", "py-11", "py-12", "py-2000", "rb-0", "rb-12", "rb-13", "rb-2000", "cs-0", "cs-11", "cs-12", "cs-2000"])
def test_a_chain_is_read_down_to_the_readers_depth_and_no_further(stripe_specs: SpecSet, text: str,
                                                                    read: bool) -> None:
    body = '{"email": "a@b.co"}'
    assert _requests(text, stripe_specs) == ([("POST", "https://api.stripe.com/v1/customers", body, None, [])]
                                             if read else [])
