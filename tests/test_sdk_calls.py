"""SDK calls in pastes (issue 11 item 4): read with tree-sitter, mapped to the spec's operations,
arguments checked like a curl's; plus a sample of generated calls in every language."""

from __future__ import annotations

import random

import pytest

import generate as g
import sdk_render as r
from bridgebot.check import check_paste
from bridgebot.check.specs import SpecSet
from bridgebot.check.model import Unresolved
from bridgebot.check.readers.sdk.base import PartialDict
from bridgebot.check.readers.sdk.index import family_of
from conftest import STRIPE_SPEC


@pytest.fixture(scope="module")
def both(stripe_specs: SpecSet, github_specs: SpecSet) -> SpecSet:
    return SpecSet([*stripe_specs.specs, *github_specs.specs])


def _one(text: str, specs: SpecSet) -> tuple[str | None, list[tuple[str, str]], str]:
    res = check_paste(text, specs)
    sdk = [q for q in res.requests if q.request.source.startswith("sdk:")]
    assert sdk, f"no SDK call read from {text!r}"
    q = sdk[0]
    return (q.operation.label if q.operation else None, [(f.kind, f.field) for f in res.findings],
            q.request.source)


CASES = [
    # (paste, operation, findings, source)
    ("```js\nawait stripe.invoices.create({customer: 'cus_1', days_until_due: 'ten'});\n```",
     "POST /v1/invoices", [("wrong_type", "days_until_due")], "sdk:javascript"),
    ("stripe.Customer.create(email='a@b.co', descripton='vip', idempotency_key='k1')",
     "POST /v1/customers", [("unknown_param", "descripton")], "sdk:python"),
    ("Stripe::Customer.retrieve('cus_123')", "GET /v1/customers/{customer}", [], "sdk:ruby"),
    ("\\Stripe\\Invoice::all(['limit' => 'many']);", "GET /v1/invoices", [("wrong_type", "limit")], "sdk:php"),
    ("$stripe->customers->create(['email' => 'a@b.co', 'foo' => 1]);", "POST /v1/customers",
     [("unknown_param", "foo")], "sdk:php"),
    ("import com.stripe.model.Price;\nPriceCreateParams params = PriceCreateParams.builder()"
     ".setCurrency(\"usd\").setUnitAmount(1000L).setProduct(\"prod_1\").build();\nPrice.create(params);",
     "POST /v1/prices", [], "sdk:java"),
    ("// stripe\nMap<String, Object> params = new HashMap<>();\nparams.put(\"currency\", \"usd\");\n"
     "params.put(\"unit_amount\", \"lots\");\nPrice.create(params);", "POST /v1/prices",
     [("wrong_type", "unit_amount")], "sdk:java"),
    ("var service = new CustomerService();\nservice.Create(new CustomerCreateOptions { Email = \"a@b.co\", "
     "Balance = \"x\" }); // Stripe", "POST /v1/customers", [("wrong_type", "balance")], "sdk:csharp"),
    ("```go\nc, err := customer.New(&stripe.CustomerParams{Email: stripe.String(\"a@b.co\"), "
     "Balance: stripe.String(\"y\")})\n```", "POST /v1/customers", [("wrong_type", "balance")], "sdk:go"),
    ("await octokit.rest.repos.createForAuthenticatedUser({name: 'x', private: 'yes'})", "POST /user/repos",
     [("wrong_type", "private")], "sdk:javascript"),
    ('await octokit.request("POST /repos/{owner}/{repo}/issues", {owner, repo, title: "t", labels: "bug"})',
     "POST /repos/{owner}/{repo}/issues", [("wrong_type", "labels")], "sdk:javascript"),
    ("github.rest.issues.create({owner: context.repo.owner, repo: context.repo.repo, titel: 't'})",
     "POST /repos/{owner}/{repo}/issues", [("missing_required", "title"), ("unknown_param", "titel")],
     "sdk:javascript"),
    ("from github import Github\ng = Github(token)\nrepo = g.get_repo('o/r')\n"
     "repo.create_pull(title='t', head='h', base='main', draft='no')", "GET /repos/{owner}/{repo}",
     [("wrong_type", "draft")], "sdk:python"),
    ("client = Octokit::Client.new(access_token: token)\n"
     "client.create_pull_request('o/r', 'main', 'feature', 'Title', 'Body')",
     "POST /repos/{owner}/{repo}/pulls", [], "sdk:ruby"),
    # A builder's values are checked too (a typed setter given a string).
    ("import com.stripe.model.Price;\nPriceCreateParams params = PriceCreateParams.builder()"
     ".setCurrency(\"usd\").setUnitAmount(\"lots\").setProduct(\"prod_1\").build();\nPrice.create(params);",
     "POST /v1/prices", [("wrong_type", "unit_amount")], "sdk:java"),
    # After an id: an action (invoices/{id}/pay) and a sub-collection (customers/{id}/sources).
    ("await stripe.invoices.pay('in_123', {paid_out_of_band: 'yes'});", "POST /v1/invoices/{invoice}/pay",
     [("wrong_type", "paid_out_of_band")], "sdk:javascript"),
    ("await stripe.customers.createSource('cus_1', {source: 'tok_visa', metadata: 'x'});",
     "POST /v1/customers/{customer}/sources", [("wrong_type", "metadata")], "sdk:javascript"),
    # **opts may hold amount: not claimed missing.
    ("Stripe::PaymentIntent.create(currency: 'usd', **opts)", "POST /v1/payment_intents", [], "sdk:ruby"),
    ("Stripe::PaymentIntent.create(**opts)", "POST /v1/payment_intents", [], "sdk:ruby"),  # not "needs a body"
    ("$stripe->paymentIntents->create(['amount' => ('ten'), 'currency' => 'usd']);", "POST /v1/payment_intents",
     [("wrong_type", "amount")], "sdk:php"),
    ("$X = ['amount' => 'ten', 'currency' => 'usd'];\n$stripe->paymentIntents->create($X);",
     "POST /v1/payment_intents", [("wrong_type", "amount")], "sdk:php"),
    ("// stripe\nMap<String, Object> params = new LinkedHashMap<>();\nparams.put(\"currency\", \"usd\");\n"
     "params.put(\"unit_amount\", \"lots\");\nPrice.create(params);", "POST /v1/prices",
     [("wrong_type", "unit_amount")], "sdk:java"),
    ("import com.stripe.model.Price;\nPriceCreateParams params = PriceCreateParams.builder().setCurrency(\"usd\")"
     ".setUnitAmount(1000L).setProduct(\"prod_1\").putExtraParam(\"descripton\", \"x\").build();\nPrice.create(params);",
     "POST /v1/prices", [("unknown_param", "descripton")], "sdk:java"),
    # Setters called on the params after they are made (Go AddX, C# AddExtraParam) count.
    ("```go\nparams := &stripe.PaymentLinkParams{}\nparams.AddLineItem(&stripe.PaymentLinkLineItemParams{"
     "Price: stripe.String(\"price_1\"), Quantity: stripe.Int64(1)})\npl, err := paymentlink.New(params)\n```",
     "POST /v1/payment_links", [], "sdk:go"),
    ("```go\nparams := &stripe.CustomerParams{Email: stripe.String(\"a@b.co\")}\nparams.AddExtra(\"descripton\", \"x\")\n"
     "c, err := customer.New(params)\n```", "POST /v1/customers", [("unknown_param", "descripton")], "sdk:go"),
    ("```go\nparams := &stripe.CustomerParams{Params: stripe.Params{IdempotencyKey: stripe.String(\"k1\")}, "
     "Email: stripe.String(\"a@b.co\")}\nc, err := customer.New(params)\n```", "POST /v1/customers", [], "sdk:go"),
    ("var options = new CustomerCreateOptions { Email = \"a@b.co\" };\noptions.AddExtraParam(\"descripton\", \"x\");\n"
     "var service = new CustomerService();\nservice.Create(options); // Stripe", "POST /v1/customers",
     [("unknown_param", "descripton")], "sdk:csharp"),
    ("var options = new CustomerCreateOptions { Email = \"a@b.co\", Balance = \"x\" };\nvar opts = options;\n"
     "var service = new CustomerService();\nservice.Create(opts); // Stripe", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:csharp"),
    ("stripe.Customer.create(email='a@b.co', balance=('x'))", "POST /v1/customers", [("wrong_type", "balance")],
     "sdk:python"),
    # A computed key may be the required amount: not claimed missing.
    ("await stripe.paymentIntents.create({[field]: 100, currency: 'usd'});", "POST /v1/payment_intents", [],
     "sdk:javascript"),
    ("var service = new CustomerService();\nservice.Create(new() { Email = \"a@b.co\", Balance = \"x\" }); // Stripe",
     "POST /v1/customers", [("wrong_type", "balance")], "sdk:csharp"),
    ("var options = new CustomerCreateOptions { Email = \"a@b.co\", TaxExempt = @\"none\" };\n"
     "var service = new CustomerService();\nservice.Create(options); // Stripe", "POST /v1/customers", [], "sdk:csharp"),
    ('await octokit.request("POST /repos/o/r/issues", {title: "t", labels: "bug"})',
     "POST /repos/{owner}/{repo}/issues", [("wrong_type", "labels")], "sdk:javascript"),
    # A map made empty in the snippet holds only what is put in it: currency is missing.
    ("// stripe\nMap<String, Object> params = new LinkedHashMap<>();\nparams.put(\"amount\", 100);\n"
     "PaymentIntent.create(params);", "POST /v1/payment_intents", [("missing_required", "currency")], "sdk:java"),
    # A list made elsewhere and added to is still a list of unknown values (it was called an object).
    ("// stripe\nList<Object> types = getTypes();\ntypes.add(\"card\");\nMap<String, Object> params = new HashMap<>();\n"
     "params.put(\"currency\", \"usd\");\nparams.put(\"amount\", 100);\nparams.put(\"payment_method_types\", types);\n"
     "PaymentIntent.create(params);", "POST /v1/payment_intents", [], "sdk:java"),
    # A C# dictionary made empty and filled: an object (metadata), not a list.
    ("var meta = new Dictionary<string, string>();\nmeta.Add(\"order\", \"1\");\n"
     "var options = new CustomerCreateOptions { Email = \"a@b.co\", Metadata = meta, Balance = \"x\" };\n"
     "var service = new CustomerService();\nservice.Create(options); // Stripe", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:csharp"),
    # A Ruby hash key held in a variable may be the required amount: not claimed missing, and
    # the variable's name is not taken for a field.
    ("Stripe::PaymentIntent.create({currency: 'usd', field => 100})", "POST /v1/payment_intents", [], "sdk:ruby"),
    # A builder's addAll given a list made elsewhere, or a put given one value (a typo for putAll):
    # values we cannot see, the rest of the call still checked.
    ("import com.stripe.model.PaymentIntent;\nPaymentIntentCreateParams params = PaymentIntentCreateParams.builder()"
     ".setAmount(\"ten\").setCurrency(\"usd\").addAllPaymentMethodType(types).build();\nPaymentIntent.create(params);",
     "POST /v1/payment_intents", [("wrong_type", "amount")], "sdk:java"),
    ("import com.stripe.model.PaymentIntent;\nPaymentIntentCreateParams params = PaymentIntentCreateParams.builder()"
     ".setAmount(\"ten\").setCurrency(\"usd\").putMetadata(meta).build();\nPaymentIntent.create(params);",
     "POST /v1/payment_intents", [("wrong_type", "amount")], "sdk:java"),
    # A value in brackets or behind a cast is the value itself: checked.
    ("// stripe\nMap<String, Object> params = new HashMap<>();\nparams.put(\"currency\", \"usd\");\n"
     "params.put(\"unit_amount\", (\"lots\"));\nparams.put(\"product\", (String) 5);\nPrice.create(params);",
     "POST /v1/prices", [("wrong_type", "product"), ("wrong_type", "unit_amount")], "sdk:java"),
    # PHP params from a variable made elsewhere: not claimed missing; an empty array is empty params.
    ("$stripe->paymentIntents->create($params);", "POST /v1/payment_intents", [], "sdk:php"),
    ("$stripe->paymentIntents->create(buildParams($order));", "POST /v1/payment_intents", [], "sdk:php"),
    ("$stripe->paymentIntents->create([]);", "POST /v1/payment_intents",
     [("missing_required", "amount"), ("missing_required", "currency")], "sdk:php"),
    # C#: a `using Stripe.X;` says which SessionService it is (several APIs have sessions).
    ("using Stripe;\nusing Stripe.BillingPortal;\n\nvar options = new SessionCreateOptions { Customer = \"cus_1\" };\n"
     "var service = new SessionService();\nvar session = service.Create(options);", "POST /v1/billing_portal/sessions", [],
     "sdk:csharp"),
    ("using Stripe;\nusing Stripe.FinancialConnections;\n\nvar options = new SessionCreateOptions { Customer = \"cus_1\" };\n"
     "var service = new SessionService();\nvar session = service.Create(options);", "POST /v1/financial_connections/sessions",
     [("missing_required", "account_holder"), ("missing_required", "permissions"), ("unknown_param", "customer")],
     "sdk:csharp"),
    # JavaScript: a spread of a literal brings its fields (a spread of a variable made elsewhere may hold
    # amount); a template literal without ${} is its text, with one it is unknown, as is undefined.
    ("```js\nconst base = {email: 'a@b.co', balance: 'x'};\nawait stripe.customers.create({...base, description: 'd'});\n```",
     "POST /v1/customers", [("wrong_type", "balance")], "sdk:javascript"),
    ("```js\nawait stripe.paymentIntents.create({...opts, currency: 'usd'});\n```", "POST /v1/payment_intents", [],
     "sdk:javascript"),
    ("```js\nawait stripe.customers.create({email: 'a@b.co', tax_exempt: `exemp`, name: `${first} ${last}`});\n```",
     "POST /v1/customers", [("invalid_enum", "tax_exempt")], "sdk:javascript"),
    ("```js\nawait stripe.customers.create({email: 'a@b.co', balance: undefined});\n```", "POST /v1/customers", [],
     "sdk:javascript"),
    # The client made in the chain (new Stripe(key), octokat's repos(o, r)); a comment argument and a
    # method in the literal are passed over; TypeScript's `as` is the value itself.
    ("```js\nawait new Stripe(key).customers.create({email: 'a@b.co', balance: 'x'});\n```", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:javascript"),
    ("```js\nawait octo.repos('o', 'r').issues.create({title: 't', labels: 'bug'});\n```",
     "POST /repos/{owner}/{repo}/issues", [("wrong_type", "labels")], "sdk:javascript"),
    ("```js\nawait stripe.customers.create(/* the customer */ {email: 'a@b.co', balance: 'x', toJSON() { return 1; }});\n```",
     "POST /v1/customers", [("wrong_type", "balance")], "sdk:javascript"),
    ("```ts\nawait stripe.customers.create({email: 'a@b.co', balance: ('x' as unknown) as number});\n```",
     "POST /v1/customers", [("wrong_type", "balance")], "sdk:typescript"),
    # Python: **params of a dict made in the snippet are its fields, **{**base, …} too; a splat of a
    # dict made elsewhere may hold amount; adjacent strings are one string.
    ("```python\nparams = {'email': 'a@b.co', 'balance': 'x'}\nstripe.Customer.create(**params)\n```",
     "POST /v1/customers", [("wrong_type", "balance")], "sdk:python"),
    ("```python\nbase = {'email': 'a@b.co'}\nstripe.Customer.create(**{**base, 'balance': 'x'})\n```",
     "POST /v1/customers", [("wrong_type", "balance")], "sdk:python"),
    ("```python\nstripe.PaymentIntent.create(**{'currency': 'usd', **opts})\n```", "POST /v1/payment_intents", [],
     "sdk:python"),
    ("```python\nstripe.Customer.create(email='a@b.co', tax_exempt='ex' 'emp')\n```", "POST /v1/customers",
     [("invalid_enum", "tax_exempt")], "sdk:python"),
    ("```python\nstripe.Customer.create(email='a@b.co', tax_exempt='ex' f'{x}')\n```", "POST /v1/customers", [],
     "sdk:python"),
    ("```python\nGithub(token).get_repo('o/r').create_issue(title='t', labels='bug')\n```",
     "POST /repos/{owner}/{repo}/issues", [("wrong_type", "labels")], "sdk:python"),
    # Setters that fill a map: a builder's putMetadata(k, v) and putAllMetadata(map), a map's
    # putAll(other), Go's AddMetadata(k, v): each value lands under its key and is checked there.
    ("import com.stripe.model.Customer;\nCustomerCreateParams params = CustomerCreateParams.builder()"
     ".setEmail(\"a@b.co\").putMetadata(\"order\", 5L).build();\nCustomer.create(params);",
     "POST /v1/customers", [("wrong_type", "metadata.order")], "sdk:java"),
    ("import com.stripe.model.Customer;\nMap<String, String> meta = new HashMap<>();\nmeta.put(\"order\", 5);\n"
     "CustomerCreateParams params = CustomerCreateParams.builder().setEmail(\"a@b.co\").putAllMetadata(meta).build();\n"
     "Customer.create(params);", "POST /v1/customers", [("wrong_type", "metadata.order")], "sdk:java"),
    ("// stripe\nMap<String, Object> base = new HashMap<>();\nbase.put(\"balance\", \"x\");\n"
     "Map<String, Object> params = new HashMap<>();\nparams.put(\"email\", \"a@b.co\");\nparams.putAll(base);\n"
     "Customer.create(params);", "POST /v1/customers", [("wrong_type", "balance")], "sdk:java"),
    ("```go\nparams := &stripe.CustomerParams{Email: stripe.String(\"a@b.co\")}\nparams.AddMetadata(\"order\", 5)\n"
     "c, err := customer.New(params)\n```", "POST /v1/customers", [("wrong_type", "metadata.order")], "sdk:go"),
    # The async variants call the same endpoints (they were not read at all).
    ("var service = new CustomerService();\nvar c = await service.CreateAsync(new CustomerCreateOptions "
     "{ Email = \"a@b.co\", Balance = \"x\" }); // Stripe", "POST /v1/customers", [("wrong_type", "balance")], "sdk:csharp"),
    ("var service = new CustomerService();\nvar c = await service.ListAsync(new CustomerListOptions { Limit = \"many\" }); "
     "// Stripe", "GET /v1/customers", [("wrong_type", "limit")], "sdk:csharp"),
    ("var service = new CustomerService();\nvar c = await service.GetAsync(\"cus_1\"); // Stripe",
     "GET /v1/customers/{customer}", [], "sdk:csharp"),
    ("```python\nawait stripe.Customer.create_async(email='a@b.co', balance='x')\n```", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:python"),
    # C#: the service made in brackets in the chain; a value in brackets or behind a cast; arrays
    # (new[] / new string[]); a dictionary built from another and filled.
    ("var options = new CustomerCreateOptions { Email = \"a@b.co\", Balance = (\"x\") };\n"
     "var customer = await (new CustomerService()).CreateAsync(options); // Stripe", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:csharp"),
    ("var service = new CustomerService();\nservice.Create(new CustomerCreateOptions { Email = \"a@b.co\", "
     "Balance = (object)\"x\" }); // Stripe", "POST /v1/customers", [("wrong_type", "balance")], "sdk:csharp"),
    ("var service = new PaymentIntentService();\nservice.Create(new PaymentIntentCreateOptions { Amount = 100, "
     "Currency = \"usd\", PaymentMethodTypes = new[] { 5 } }); // Stripe", "POST /v1/payment_intents",
     [("wrong_type", "payment_method_types[0]")], "sdk:csharp"),
    ("var service = new PaymentIntentService();\nservice.Create(new PaymentIntentCreateOptions { Amount = 100, "
     "Currency = \"usd\", PaymentMethodTypes = new string[] { \"card\", 5 } }); // Stripe", "POST /v1/payment_intents",
     [("wrong_type", "payment_method_types[1]")], "sdk:csharp"),
    ("var service = new PaymentIntentService();\nservice.Create(new PaymentIntentCreateOptions { Amount = 100, "
     "Currency = \"usd\", Metadata = new Dictionary<string, string>(other) { { \"a\", 5 } } }); // Stripe",
     "POST /v1/payment_intents", [("wrong_type", "metadata.a")], "sdk:csharp"),
    # A list call's options are its query: a misspelt one is unknown, a bad value is checked.
    ("```js\nawait stripe.customers.list({limitt: 5});\n```", "GET /v1/customers", [("unknown_param", "limitt")],
     "sdk:javascript"),
    ("```js\nawait stripe.customers.list({limit: 'many'});\n```", "GET /v1/customers", [("wrong_type", "limit")],
     "sdk:javascript"),
    # Go: a field set after the literal; Int64Slice; a constant (stripe.CurrencyUSD) is unknown; brackets.
    ("```go\nparams := &stripe.CustomerParams{Email: stripe.String(\"a@b.co\")}\nparams.Balance = stripe.String(\"x\")\n"
     "c, err := customer.New(params)\n```", "POST /v1/customers", [("wrong_type", "balance")], "sdk:go"),
    ("```go\npi, err := paymentintent.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(100), Currency: "
     "stripe.String(string(stripe.CurrencyUSD)), PaymentMethodTypes: stripe.Int64Slice([]int64{5})})\n```",
     "POST /v1/payment_intents", [("wrong_type", "payment_method_types[0]")], "sdk:go"),
    ("```go\npi, err := paymentintent.New(&stripe.PaymentIntentParams{Amount: (stripe.String(\"x\")), "
     "Currency: stripe.String(\"usd\")})\n```", "POST /v1/payment_intents", [("wrong_type", "amount")], "sdk:go"),
    # Java: an enum constant is its lower-case value (a misspelt one is not in the enum); the
    # StripeClient's client.customers().create(); an empty new ArrayList<>(); calls and fields unknown.
    ("import com.stripe.model.PaymentIntent;\nPaymentIntentCreateParams params = PaymentIntentCreateParams.builder()"
     ".setAmount(100L).setCurrency(\"usd\").setCaptureMethod(PaymentIntentCreateParams.CaptureMethod.MANUALLY).build();\n"
     "PaymentIntent.create(params);", "POST /v1/payment_intents", [("invalid_enum", "capture_method")], "sdk:java"),
    ("import com.stripe.model.PaymentIntent;\nPaymentIntentCreateParams params = PaymentIntentCreateParams.builder()"
     ".setAmount(100L).setCurrency(\"usd\").setCaptureMethod(PaymentIntentCreateParams.CaptureMethod.MANUAL).build();\n"
     "PaymentIntent.create(params);", "POST /v1/payment_intents", [], "sdk:java"),
    ("import com.stripe.StripeClient;\nStripeClient client = new StripeClient(key);\nCustomerCreateParams params = "
     "CustomerCreateParams.builder().setEmail(\"a@b.co\").setBalance(\"x\").build();\n"
     "Customer customer = client.customers().create(params);", "POST /v1/customers", [("wrong_type", "balance")], "sdk:java"),
    ("// stripe\nMap<String, Object> params = new HashMap<>();\nparams.put(\"amount\", 100);\nparams.put(\"currency\", \"usd\");\n"
     "params.put(\"payment_method_types\", new ArrayList<>());\nparams.put(\"description\", getDescription());\n"
     "params.put(\"customer\", config.customer);\nPaymentIntent.create(params);", "POST /v1/payment_intents", [], "sdk:java"),
    # Ruby: a **splat inside the hash (keys unknown, the rest checked); interpolated strings unknown;
    # 'string' => and :symbol => keys; an instance variable set in the snippet; minus on a string unknown.
    ("Stripe::Customer.create({email: 'a@b.co', **extra, balance: 'x'})", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:ruby"),
    ("Stripe::PaymentIntent.create({currency: 'usd', **opts})", "POST /v1/payment_intents", [], "sdk:ruby"),
    ('Stripe::Customer.create(email: "a#{x}", balance: "#{n}")', "POST /v1/customers", [], "sdk:ruby"),
    ("Stripe::Customer.create('email' => 'a@b.co', :balance => 'x')", "POST /v1/customers", [("wrong_type", "balance")],
     "sdk:ruby"),
    ("@balance = 'x'\nStripe::Customer.create(email: 'a@b.co', balance: @balance)", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:ruby"),
    ("Stripe::Customer.create(email: 'a@b.co', balance: -'x')", "POST /v1/customers", [], "sdk:ruby"),
    # PHP: a key held in a variable (keys unknown, the rest checked); interpolated strings unknown;
    # a client got from a method ($this->stripe()); minus on a string unknown, on a bracketed number a number.
    ("$stripe->customers->create(['email' => 'a@b.co', $key => 1, 'balance' => 'x']);", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:php"),
    ("$stripe->paymentIntents->create(['currency' => 'usd', $key => 100]);", "POST /v1/payment_intents", [], "sdk:php"),
    ("$stripe->customers->create(['email' => \"a{$x}\", 'balance' => \"$n\"]);", "POST /v1/customers", [], "sdk:php"),
    ("$this->stripe()->customers->create(['email' => 'a@b.co', 'balance' => 'x']);", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:php"),
    ("$stripe->customers->create(['email' => 'a@b.co', 'balance' => -'x']);", "POST /v1/customers", [], "sdk:php"),
    ("$stripe->customers->create(['email' => 'a@b.co', 'balance' => -(5.5)]);", "POST /v1/customers",
     [("wrong_type", "balance")], "sdk:php"),
    # Options of a call with no body are its query (a misspelt one is unknown); a list where the
    # params go holds fields we cannot name (amount not claimed missing).
    ("```js\nawait stripe.customers.retrieve('cus_1', {expnd: ['x']});\n```", "GET /v1/customers/{customer}",
     [("unknown_param", "expnd")], "sdk:javascript"),
    ("```js\nawait stripe.paymentIntents.create([1, 2]);\n```", "POST /v1/payment_intents", [], "sdk:javascript"),
    # Go: the params type names the resource where the package name (transaction) fits several:
    # given inline, through a variable, behind & or after ctx and a comment.
    ("```go\nc := transaction.List(&stripe.IssuingTransactionListParams{})\n```", "GET /v1/issuing/transactions", [],
     "sdk:go"),
    ("```go\nc := transaction.List(&stripe.TreasuryTransactionListParams{})\n```", "GET /v1/treasury/transactions",
     [("missing_required", "financial_account")], "sdk:go"),
    ("```go\nparams := &stripe.IssuingTransactionListParams{}\nc := transaction.List(params)\n```",
     "GET /v1/issuing/transactions", [], "sdk:go"),
    ("```go\nparams := &stripe.TreasuryTransactionListParams{}\nc := transaction.List(params)\n```",
     "GET /v1/treasury/transactions", [("missing_required", "financial_account")], "sdk:go"),
    ("```go\nparams := stripe.TreasuryTransactionListParams{}\nc := transaction.List(&params)\n```",
     "GET /v1/treasury/transactions", [("missing_required", "financial_account")], "sdk:go"),
    ("```go\nc := transaction.List(ctx, /* all */ &stripe.TreasuryTransactionListParams{})\n```",
     "GET /v1/treasury/transactions", [("missing_required", "financial_account")], "sdk:go"),
]


def _as_read(value: object) -> object:
    """A value as a reader read it: a run-time value (Unresolved) as ("?", its code), a map read
    only in part (keys we cannot see) as ("partial", {...})."""
    if isinstance(value, Unresolved):
        return ("?", str(value))
    if isinstance(value, dict):
        read = {k: _as_read(v) for k, v in value.items()}
        return ("partial", read) if isinstance(value, PartialDict) else read
    if isinstance(value, list):
        return [_as_read(v) for v in value]
    return value


def _balance_read(lang: str, written: str, specs: SpecSet) -> object:
    """The value read for ``balance`` when ``written`` is given to it in ``lang``'s call (_VALUES)."""
    template = "```ts\nawait stripe.customers.create({{email: 'a@b.co', balance: {v}}});\n```" \
        if lang == "typescript" else _VALUES[lang][0]
    res = check_paste(template.format(v=written), specs)
    assert [q.request.source for q in res.requests] == [f"sdk:{lang}"], written
    return _as_read(res.requests[0].request.body_value["balance"])


#: Per language: (literal as written, value as read) for each kind of literal the reader knows, and
#: the code it leaves unknown (a run-time value: not type-checked, so never a false finding).
_READS = {
    "go": [
        ('&stripe.SourceParams{Token: stripe.String("tok_1")}', "tok_1"),  # a one-field params type is its value
        ('&stripe.SourceParams{Token: stripe.String("tok_1"), Type: stripe.String("card")}',
         {"token": "tok_1", "type": "card"}),
        ("stripe.SourceParams{}", {}), ("[]string{}", []), ("[2]int64{}", []), ("map[string]string{}", {}),
        ('-stripe.String("x")', ("?", '-stripe.String("x")')), ("-x", ("?", "-x")), ("- -7", 7),
        ("&x", ("?", "x")), ("(x)", ("?", "x")), ("x", ("?", "x")),
        ('String("x")', "x"), ("Int64(7)", 7), ('stripe.StringSlice([]string{"a"})', ["a"]),
        ("stripe.Int64Slice([]int64{1})", [1]), ("stripe.Foo(7)", ("?", "stripe.Foo(7)")),
        ('stripe.String("a", "b")', ("?", 'stripe.String("a", "b")')), ("foo()", ("?", "foo()")),
        ("x.Y", ("?", "x.Y")), ("0x1F", 31), ("1e3", 1000.0), ("1_000", 1000), ('"a\\nb"', "a\nb"),
        ('`a"b`', 'a"b'), ('""', ""),
        ('map[string]interface{}{"a": 1, "b": nil}', {"a": 1, "b": None}),
        ("map[string]interface{}{1: 2}", {}),  # a key that is not a name: left out
        ('[]interface{}{1, "a", true}', [1, "a", True]),
        ('&stripe.CustomerParams{Params: stripe.Params{IdempotencyKey: stripe.String("k")}}',
         {"__options__": {"idempotency_key": "k"}}),
        ("&stripe.CustomerParams{Params: stripe.Params{}}", {}),
        ("[]interface{}{/* c */ 1}", [1]), ('map[string]int64{/* c */ "a": 1}', {"a": 1}),
        ("[][]int64{{1, 2}, {3}}", [[1, 2], [3]]),  # an element's type left out: {…} alone
        ('map[string]*stripe.AddressParams{"a": {City: stripe.String("x")}}', {"a": {"city": "x"}}),
    ],
    "javascript": [
        ("{a: 1, 'b': 2, \"c d\": 3}", {"a": 1, "b": 2, "c d": 3}),
        ("{[k]: 1, a: 2}", ("partial", {"a": 2})), ("{a, b: 1}", {"a": ("?", "a"), "b": 1}),
        ("{...base, a: 1}", ("partial", {"a": 1})), ("{...{a: 1}, b: 2}", {"a": 1, "b": 2}),
        ("{...{a: 1, [k]: 2}, b: 2}", ("partial", {"a": 1, "b": 2})),
        ("{a: 1, f() { return 1 }}", {"a": 1}), ("{a: 1, /* c */ b: 2}", {"a": 1, "b": 2}),
        ("[1, /* c */ 2]", [1, 2]), ("`abc`", "abc"), ("`a${b}c`", ("?", "`a${b}c`")),
        ("0x1F", 31), ("1e3", 1000.0), ("undefined", ("?", "undefined")), ("x", ("?", "x")),
        ("-x", ("?", "-x")), ("-'a'", ("?", "-'a'")), ("- -7", 7), ("(7)", 7), ("x!", ("?", "x")),
        ("foo()", ("?", "foo()")), ("x.y", ("?", "x.y")), ('"a\\nb"', "a\nb"), ("''", ""),
    ],
    "typescript": [
        ("(7 as any)", 7), ("7 satisfies number", 7), ("x!", ("?", "x")), ("('x')!", "x"),
        ("(7 as unknown as number)", 7),
    ],
    "java": [
        ('"a\\nb"', "a\nb"), ('""', ""), ("0x1FL", 31), ("10L", 10), ("1e3", 1000.0), ("1.5f", 1.5),
        ("Long.valueOf(7)", 7), ("Arrays.asList(1, 2)", [1, 2]), ("Collections.singletonList(1)", [1]),
        ('Map.of("a", 1)', ("?", 'Map.of("a", 1)')), ("List.of()", []),
        ("Long.valueOf(1, 2)", ("?", "Long.valueOf(1, 2)")), ("foo(1)", ("?", "foo(1)")),
        ("new HashMap<>()", {}), ("new LinkedHashMap<String, Object>()", {}), ("new TreeMap<>()", {}),
        ("new ArrayList<>()", []), ("new LinkedList<>()", []), ("new Foo()", ("?", "new Foo()")),
        ("new Map<String, Object>()", {}), ("new List<Long>()", []),  # pseudo-code: still a map, a list
        ("Status.ACTIVE", "active"), ("Status.active", ("?", "Status.active")), ("x", ("?", "x")),
        ("-x", ("?", "-x")), ('-"a"', ("?", '-"a"')), ("- -7", 7), ("(long) 7", 7), ("((7))", 7),
        ("x.y()", ("?", "x.y()")), ('PriceCreateParams.builder().setCurrency("usd").build()', {"currency": "usd"}),
        ("foo.build()", ("?", "foo.build()")), ("'c'", ("?", "'c'")),
    ],
    "python": [
        ("{'a': 1, \"b\": 2, 3: 4}", {"a": 1, "b": 2, "3": 4}), ("{k: 1, 'a': 2}", ("partial", {"a": 2})),
        ("{(1, 2): 1, 'a': 2}", ("partial", {"a": 2})), ("{**base, 'a': 1}", ("partial", {"a": 1})),
        ("{**{'a': 1}, 'b': 2}", {"a": 1, "b": 2}), ("{**{'a': 1, k: 2}, 'b': 2}", ("partial", {"b": 2})),
        ("{'a': 1,  # c\n 'b': 2}", {"a": 1, "b": 2}), ("(1, 2)", [1, 2]), ("[1,  # c\n 2]", [1, 2]),
        ('f"a{b}"', ("?", 'f"a{b}"')), ('"a" "b"', "ab"), ('"a" f"{b}"', ("?", '"a" f"{b}"')),
        ("\"a\" 'b' \"c\"", "abc"), ("0x1F", 31), ("1e3", 1000.0), ("1_000", 1000), ("x", ("?", "x")),
        ("-x", ("?", "-x")), ("-'a'", ("?", "-'a'")), ("- -7", 7), ("(7)", 7), ("foo()", ("?", "foo()")),
        ("x.y", ("?", "x.y")), ('""', ""), ("'a\\nb'", "a\nb"), ('"a\\\\b"', "a\\b"), ('b"x"', "x"),
        ("{'a': 1, 'b': 2 'c': 3}", ("partial", {"a": 1, "b": ("?", "'b': 2 'c': 3")})),
        ("{'a': 1, 'b' 2}", ("partial", {"a": 1})),
    ],
    "php": [
        ("['a' => 1, \"b\" => 2, 3 => 4]", {"a": 1, "b": 2, "3": 4}), ("array('a' => 1)", {"a": 1}),
        ("array(1, 2)", [1, 2]), ("[$k => 1, 'a' => 2]", ("partial", {"a": 2})), ('"a\\nb"', "a\nb"),
        ("'a\\nb'", "a\\nb"), ('"a{$b}"', ("?", '"a{$b}"')), ('"a$b"', ("?", '"a$b"')), ("0x1F", 31),
        ("1e3", 1000.0), ("$x", ("?", "x")), ("-$x", ("?", "-$x")), ("-'a'", ("?", "-'a'")), ("- -7", 7),
        ("(7)", 7), ("foo()", ("?", "foo()")), ("Foo::BAR", ("?", "Foo::BAR")), ("''", ""), ("TRUE", True),
        ('"a{$b->c}"', ("?", '"a{$b->c}"')), ('"a $b->c"', ("?", '"a $b->c"')), ('"a ${b}"', ("?", '"a ${b}"')),
        ("NULL", None), ("['a' => 1,\n  # c\n  'b' => 2]", {"a": 1, "b": 2}), ("[1,\n  // c\n  2]", [1, 2]),
    ],
    "ruby": [
        ("{a: 1, 'b' => 2, \"c\" => 3, :d => 4}", {"a": 1, "b": 2, "c": 3, "d": 4}),
        ("{k => 1, a: 2}", ("partial", {"a": 2})), ("{**base, a: 1}", ("partial", {"a": 1})),
        ('"a#{b}"', ("?", '"a#{b}"')), ("0x1F", 31), ("1e3", 1000.0), ("1_000", 1000), ("x", ("?", "x")),
        ("-x", ("?", "-x")), ("-'a'", ("?", "-'a'")), ("- -7", 7), ("foo()", ("?", "foo()")),
        ("X::Y", ("?", "X::Y")), ("''", ""), ("@x", ("?", "@x")), (":x", "x"),
        ("{a: 1, b: 2 c: 3}", ("partial", {"a": 1, "b": 2})), ('{a: 1, "x#{y}" => 2}', ("partial", {"a": 1})),
        ("{a: 1,\n  # c\n  b: 2}", {"a": 1, "b": 2}), ("[1,\n  # c\n  2]", [1, 2]),
    ],
    "csharp": [
        ('new List<string> { "a" }', ["a"]), ("new[] { 1, 2 }", [1, 2]), ("new long[] { 1, 2 }", [1, 2]),
        ("new Foo { A = 1 }", {"a": 1}), ("new Foo()", {}), ("0x1F", 31), ("0xFFul", 255), ("10L", 10),
        ("1.5m", 1.5), ("1e3", 1000.0), ("x", ("?", "x")), ("-x", ("?", "-x")), ('-"a"', ("?", '-"a"')),
        ("- -7", 7), ("(long) 7", 7), ("(7)", 7), ("foo()", ("?", "foo()")), ("X.Y", ("?", "X.Y")),
        ('@"a\\b"', "a\\b"), ('$"a{b}"', ("?", '$"a{b}"')), ('""', ""), ('"a\\nb"', "a\nb"),
        ("'c'", ("?", "'c'")), ("default", ("?", "default")),
        ("new Dictionary<string, object>()", {}), ("new List<long>()", []), ("new List<long> { }", []),
        ("new IList<long> { }", []), ("new Foo[] { }", []), ("new long[] { }", []),
        ("new Dictionary<string, long> { }", {}), ("new Foo { }", {}),
        ("new Foo(1)", ("partial", {})), ("new Dictionary<string, object>(other)", ("partial", {})),
        ("new Foo(x) { A = 1 }", ("partial", {"a": 1})), ("new() { A = 1 }", {"a": 1}),
        ('new Dictionary<string, long> { { "a", 1 }, { k, 2 } }', {"a": 1}),
        ("[1, 2]", [1, 2]), ("[]", []), ("[1, /* c */ 2]", [1, 2]),  # a collection expression (C# 12)
        ("new { A = 1 }", ("?", "new { A = 1 }")), ("-x.Y", ("?", "-x.Y")),
        ("new Dictionary<string, long[]> { }", {}),  # an empty map of arrays is still a map
    ],
}


for _lang in _READS:  # a subtraction is not a negative literal
    _READS[_lang].append(("-1 - 2", ("?", "-1 - 2")))


@pytest.mark.parametrize("lang", sorted(_READS))
def test_each_kind_of_literal_is_read_as_the_value_it_holds_and_run_time_code_stays_unknown(
        both: SpecSet, lang: str) -> None:
    # The body the checker is given: a value misread is a wrong finding (or a missed one), and a
    # run-time value read as a literal would be judged when it must not be.
    got = [(written, _balance_read(lang, written, both)) for written, _ in _READS[lang]]
    assert got == _READS[lang]


#: Per language: a wrapping written around 7, and how many of them are still read (past the readers'
#: depth limit the value is left unknown rather than read: the limit keeps a deep paste from
#: running out of stack).
_DEPTHS = [
    ("go", "(", ")", 9), ("go", "-", "", 9), ("go", "stripe.Int64(", ")", 9), ("go", "&", "", 9),
    ("go", "[]interface{}{", "}", 4), ("go", 'map[string]interface{}{"a": ', "}", 4),
    ("javascript", "(", ")", 11), ("javascript", "[", "]", 11), ("javascript", "- ", "", 11),
    ("javascript", "{a: ", "}", 11),
    ("python", "(", ")", 12), ("python", "[", "]", 12), ("python", "- ", "", 12),
    ("java", "(", ")", 11), ("java", "List.of(", ")", 11), ("java", "- ", "", 11), ("java", "(long) ", "", 11),
    ("java", "Long.valueOf(", ")", 11),
    ("php", "(", ")", 11), ("php", "[", "]", 11), ("php", "- ", "", 11), ("php", "array(", ")", 11),
    ("ruby", "[", "]", 12), ("ruby", "- ", "", 12), ("ruby", "{a: ", "}", 12),
    ("csharp", "(", ")", 11), ("csharp", "new List<object> { ", " }", 11), ("csharp", "- ", "", 11),
    ("csharp", "(long) ", "", 11), ("csharp", "[", "]", 3),
]


def _innermost(value: object) -> object:
    while isinstance(value, list) and len(value) == 1 or isinstance(value, dict) and set(value) == {"a"}:
        value = value[0] if isinstance(value, list) else value["a"]
    return value


@pytest.mark.parametrize("lang,opener,closer,last", _DEPTHS)
def test_a_value_is_read_down_to_the_depth_limit_and_no_further(both: SpecSet, lang: str, opener: str,
                                                                 closer: str, last: int) -> None:
    at = _innermost(_balance_read(lang, opener * last + "7" + closer * last, both))
    written = opener * (last + 1) + "7" + closer * (last + 1)
    past = _innermost(_balance_read(lang, written, both))
    assert at in (7, -7) and not isinstance(at, bool)
    assert isinstance(past, tuple) and past[0] == "?" and past[1] and past[1] in written


@pytest.mark.parametrize("options, header, findings", [
    ("new RequestOptions()", None, [("missing_required", "currency")]),
    ('RequestOptions.builder().setIdempotencyKey("k").build()', ("Idempotency-Key", "k"),
     [("missing_required", "currency")]),
    ('RequestOptions.builder().setStripeAccount("acct_1").build()', ("Stripe-Account", "acct_1"),
     [("missing_required", "currency")]),
    ("new Foo()", None, []),  # a value we cannot see: maybe fields, so a missing one is not claimed
])
def test_java_request_options_after_the_params_are_headers_not_fields(both: SpecSet, options: str,
                                                                      header: tuple[str, str] | None,
                                                                      findings: list) -> None:
    # The idempotency key set on a RequestOptions builder was dropped (read as a field of an
    # options map, not as options).
    text = ("```java\nimport com.stripe.model.Price;\nMap<String, Object> params = new HashMap<>();\n"
            f'params.put("unit_amount", 100);\nPrice.create(params, {options});\n```')
    res = check_paste(text, both)
    req = res.requests[0].request
    assert (res.requests[0].operation.label, _as_read(req.body_value)) == \
        ("POST /v1/prices", {"unit_amount": 100} if findings else ("partial", {"unit_amount": 100}))
    assert [h for h in req.headers if h[0] != "Content-Type"] == ([header] if header else [])
    assert [(f.kind, f.field) for f in res.findings] == findings


def test_csharp_request_options_after_params_built_elsewhere_are_headers(both: SpecSet) -> None:
    res = check_paste('var service = new CustomerService();\n'
                      'service.Create(options, new RequestOptions { IdempotencyKey = "k" }); // Stripe', both)
    req = res.requests[0].request
    assert (_as_read(req.body_value), req.header("Idempotency-Key"), res.findings) == (("?", "options"), "k", [])


def test_a_pair_broken_by_a_missing_comma_is_unknown_and_the_pairs_around_it_are_read(both: SpecSet) -> None:
    # JavaScript: the grammar folds "phone: '1' balance: 'x'" into one pair; its value is unknown
    # (not judged, and the object is partial: no field claimed missing), the next pair still read.
    res = check_paste("await stripe.customers.create({email: 'a@b.co', phone: '1' balance: 'x', name: 'n'});", both)
    assert [(_as_read(q.request.body_value), q.findings) for q in res.requests] == \
        [(("partial", {"email": "a@b.co", "phone": ("?", "phone: '1' balance: 'x'"), "name": "n"}), [])]


@pytest.mark.parametrize("options", ["new RequestOptions()", "new Stripe.RequestOptions()"])
def test_csharp_request_options_alone_are_not_the_params(both: SpecSet, options: str) -> None:
    # Only request options given: no params object, so the body is missing as a whole (not read as
    # an empty params object missing each required field).
    res = check_paste(f"var service = new PaymentIntentService();\nservice.Create({options}); // Stripe", both)
    assert [(q.operation.label, q.request.body_value, [(f.kind, f.field) for f in q.findings]) for q in res.requests] \
        == [("POST /v1/payment_intents", None, [("missing_required", "")])]


@pytest.mark.parametrize("text,operation,findings,source", CASES, ids=[c[3] + str(i) for i, c in enumerate(CASES)])
def test_sdk_call_read_and_checked(both: SpecSet, text: str, operation: str, findings: list, source: str) -> None:
    op, got, src = _one(text, both)
    assert (op, sorted(got), src) == (operation, sorted(findings), source)


def test_runtime_values_stay_unknown(both: SpecSet) -> None:
    # A variable for a typed field is not judged, and a params object built elsewhere is not
    # claimed to miss its required fields.
    assert _one("stripe.invoices.create({customer: id, days_until_due: days})", both)[1] == []
    assert _one("// stripe\nvar price = Price.create(params);", both)[:2] == ("POST /v1/prices", [])
    # Positional fields we cannot name (octokit.rb) are not claimed missing.
    assert _one("client.create_pull_request(repo, base, head, title) # octokit", both)[1] == []


@pytest.mark.parametrize("text, operation", [
    ("stripe.charges.refund('ch_1', {customer: 'cus_1', currency: 'usd'}, {idempotencyKey: 'k'})",
     "POST /v1/charges/{charge}/refunds"),
    ("$stripe->charges->refund('ch_1', ['customer' => 'cus_1', 'currency' => 'usd'], ['idempotency_key' => 'k']);",
     "POST /v1/charges/{charge}/refunds"),
    ("stripe.charges.refund('ch_1', {refund_application_fee: true}, {idempotencyKey: 'k'})",
     "POST /v1/charges/{charge}/refund"),    ("stripe.Charge.refund('ch_1', customer='cus_1', currency='usd', idempotency_key='k')",
     "POST /v1/charges/{charge}/refunds"),
])
def test_the_params_pick_between_same_named_operations_not_the_options_after_them(both: SpecSet, text: str,
                                                                                  operation: str) -> None:
    # charges.refund names both .../refund and .../refunds: the fields of the params pick the one they
    # belong to (no false "unknown field"), whatever request options follow them.
    assert _one(text, both)[:2] == (operation, [])


def test_idempotency_key_option_is_a_header(both: SpecSet) -> None:
    res = check_paste("stripe.customers.create({email: 'a@b.co'}, {idempotencyKey: 'abc'})", both)
    req = res.requests[0].request
    assert req.header("Idempotency-Key") == "abc"
    assert res.findings == []


def test_broken_code_still_read(both: SpecSet) -> None:
    # Slack inline code with a missing comma: the call is read, the field around the error is
    # unknown (not guessed), the rest is checked.
    text = "`stripe.customers.create({\n name: n,\n phone: \"0400\"\n email: \"a@b.co\"\n balance: 'x'\n});`"
    res = check_paste(text, both)
    assert [q.operation.label for q in res.requests if q.operation] == ["POST /v1/customers"]


def test_cut_off_code_still_read(both: SpecSet) -> None:
    # The paste ends mid-call (no closing brackets): what was read is still checked.
    text = "```js\nconst c = await stripe.customers.create({\n  email: 'a@b.co',\n  balance: 'x',\n"
    res = check_paste(text, both)
    assert [(q.operation.label, [f.kind for f in q.findings]) for q in res.requests if q.operation] == \
        [("POST /v1/customers", ["wrong_type"])]


def test_a_call_in_a_python_traceback_leaves_the_exception_to_be_read(both: SpecSet) -> None:
    # A traceback shows one line of each frame: the caller's call is cut after "create(", and the
    # exception follows. The call is read by its name (its arguments unknown, so not judged) and
    # the exception's message is still read, behind a docker-compose log prefix or not.
    for prefix in ("", "web-1  | "):
        text = (f"```\n{prefix}Traceback (most recent call last):\n"
                f'{prefix}  File "/srv/shop/pay.py", line 31, in charge\n'
                f"{prefix}    customer = stripe.Customer.create(\n"
                f'{prefix}  File "/usr/lib/python3.11/site-packages/stripe/api_requestor.py", line 9, in request\n'
                f"{prefix}    self.handle_error_response(rbody, rcode, resp.data, rheaders)\n"
                f"{prefix}stripe.error.InvalidRequestError: Request req_1: Received unknown parameter: emial\n```")
        res = check_paste(text, both)
        assert [(q.operation.label, q.findings) for q in res.requests if q.operation] == [("POST /v1/customers", [])]
        assert [(f.kind, f.field) for f in res.findings] == [("unknown_param", "emial")], prefix


def test_a_write_through_a_client_built_without_credentials_is_auth_missing(both: SpecSet) -> None:
    made = 'var gh = new GitHubClient(new ProductHeaderValue("release-bot"));\n'
    write = 'var label = await gh.Issue.Labels.Create("octo", "site", new NewLabel("bug", "ff0000"));\n'
    read = 'var repo = await gh.Repository.Get("octo", "site");\n'

    def kinds(text: str) -> list[tuple[str, list[str]]]:
        res = check_paste("```csharp\n" + text + "```", both)
        return [(q.operation.label, [f.kind for f in q.findings]) for q in res.requests if q.operation]

    assert kinds(made + write) == [("POST /repos/{owner}/{repo}/labels", ["auth_missing"])]
    # Credentials given later, or only reading public data: nothing to say.
    assert kinds(made + 'gh.Credentials = new Credentials("t");\n' + write) == [("POST /repos/{owner}/{repo}/labels", [])]
    assert kinds(made + read) == [("GET /repos/{owner}/{repo}", [])]


def test_pygithub_positional_values_on_a_repository_object_are_not_owner_and_repo(both: SpecSet) -> None:
    text = ('```python\nfrom github import Github\ng = Github(token)\nrepo = g.get_repo("octo/site")\n'
            'label = repo.get_label("bug")\nrepo.create_issue(summary, body=details, labels=[label])\n```')
    res = check_paste(text, both)
    got = [(q.request.url.split("api.github.com")[1], [f.kind for f in q.findings]) for q in res.requests]
    # The label's name fills {name}; the title, given positionally, is not claimed missing.
    assert got == [("/repos/octo/site", []), ("/repos/{owner}/{repo}/labels/bug", []),
                   ("/repos/{owner}/{repo}/issues", [])]


def test_not_an_sdk_call_is_left_alone(both: SpecSet) -> None:
    assert check_paste("console.log(result.data); foo.bar(1) // stripe", both).requests == []


@pytest.mark.parametrize("lang", r.LANGUAGES)
def test_generated_calls_sample(both: SpecSet, lang: str) -> None:
    """A few operations per spec, rendered in ``lang``: found with no finding, and each mutation exact."""
    rng = random.Random(11)
    checked = 0
    for spec in both.specs:
        family = family_of(spec)
        ops = rng.sample(list(spec.operations), 4)
        for op in ops:
            try:
                case = g.build_case(g.operation(spec.source, op.method, op.path), 0)
                g.generate(case, seed=0, n=1, budget=3.0, rich_draws=1)
            except g.CannotGenerate:
                continue
            ex = g.pick_examples(case)[-1]
            code = r.render(op, family, ex, lang)
            if code is None:
                continue
            res = check_paste(code, both)
            labels = [q.operation.label for q in res.requests if q.operation]
            assert f"{op.method} {op.base_path}{op.path}" in labels, code
            assert res.findings == [], code
            checked += 1
            for m in g.mutations(case, ex, 0, rules=g.CLASSIC_RULES):
                if m.kind == "wrong_method" or m.location != "body":
                    continue
                fs = check_paste(r.render(op, family, m.example, lang) or "", both).findings
                assert [f.kind for f in fs] == [m.kind], (m.description, code)
    assert checked >= 4


def test_a_call_in_a_traceback_behind_a_log_prefix_after_other_text_is_read(both: SpecSet) -> None:
    # The log prefix repeats on the frame's code line: it is taken off there too, wherever the
    # traceback starts in the paste (left on, "worker #3 | …" made the code line a comment).
    for prefix in ("web-1  | ", "worker #3 | "):
        text = ("Worker log:\n"
                f"{prefix}Traceback (most recent call last):\n"
                f'{prefix}  File "/srv/shop/pay.py", line 31, in charge\n'
                f"{prefix}    customer = stripe.Customer.create(email='a@b.co', balance='x')\n"
                f'{prefix}  File "/usr/lib/python3.11/site-packages/stripe/api_requestor.py", line 9, in request\n'
                f"{prefix}    self.handle_error_response(rbody, rcode, resp.data, rheaders)\n"
                f"{prefix}stripe.error.InvalidRequestError: Request req_1: Invalid integer: x\n")
        res = check_paste(text, both)
        assert [(q.operation.label, [(f.kind, f.field) for f in q.findings]) for q in res.requests if q.operation] == \
            [("POST /v1/customers", [("wrong_type", "balance")])], prefix


@pytest.mark.parametrize("text", [
    "Stripe::Customer.create(email: 'a@b.co', balance: 'x', metadata: " + "[" * 3000 + "1" + "]" * 3000 + ")",
    "// stripe\nMap<String, Object> params = new HashMap<>();\nparams.put(\"balance\", \"x\");\n"
    "params.put(\"metadata\", " + "List.of(" * 300 + "1" + ")" * 300 + ");\nCustomer.create(params);",
    "```go\nc, err := customer.New(&stripe.CustomerParams{Balance: stripe.String(\"x\"), Metadata: "
    + "[]interface{}{" * 300 + "1" + "}" * 300 + "})\n```",
    "await stripe.customers.create({balance: 'x', metadata: " + "[" * 300 + "1" + "]" * 300 + "});",
    "stripe.Customer.create(balance='x', metadata=" + "[" * 300 + "1" + "]" * 300 + ")",
    "$stripe->customers->create(['balance' => 'x', 'metadata' => " + "[" * 300 + "1" + "]" * 300 + "]);",
    "var service = new CustomerService();\nservice.Create(new CustomerCreateOptions { Balance = \"x\", Metadata = "
    + "new List<object> { " * 300 + "1" + " }" * 300 + " }); // Stripe",
])
def test_a_call_with_an_argument_nested_hundreds_deep_is_still_read(both: SpecSet, text: str) -> None:
    # Past the readers' depth limit the value is left unknown; the call and its other fields are
    # still read and checked (reading every level ran out of stack and lost the call).
    op, got, _src = _one(text, both)
    assert (op, sorted(got)) == ("POST /v1/customers", [("wrong_type", "balance"), ("wrong_type", "metadata")])


def test_method_names_derived_from_the_paths_of_a_freshly_loaded_spec(stripe_specs: SpecSet) -> None:
    # The name index is built from the spec's paths on first use (a fresh load: built here). After
    # an id, a literal is an action (invoices/{id}/pay), a sub-collection (customers/{id}/sources:
    # createSource, listSources; sources/{id}: retrieveSource…) or a singleton (deleteDiscount).
    fresh = SpecSet.load([STRIPE_SPEC])
    calls = {
        "stripe.invoices.pay('in_1', {paid_out_of_band: 'yes'})": "POST /v1/invoices/{invoice}/pay",
        "stripe.customers.createSource('cus_1', {source: 'tok_visa'})": "POST /v1/customers/{customer}/sources",
        "stripe.customers.listSources('cus_1')": "GET /v1/customers/{customer}/sources",
        "stripe.customers.retrieveSource('cus_1', 'src_1')": "GET /v1/customers/{customer}/sources/{id}",
        "stripe.customers.updateSource('cus_1', 'src_1', {name: 'x'})": "POST /v1/customers/{customer}/sources/{id}",
        "stripe.customers.deleteSource('cus_1', 'src_1')": "DELETE /v1/customers/{customer}/sources/{id}",
        "stripe.customers.deleteDiscount('cus_1')": "DELETE /v1/customers/{customer}/discount",
        "stripe.customers.retrieveCashBalance('cus_1')": "GET /v1/customers/{customer}/cash_balance",
        "stripe.customers.updateCashBalance('cus_1', {settings: {}})": "POST /v1/customers/{customer}/cash_balance",
        "stripe.customers.search({query: 'email:\"a@b.co\"'})": "GET /v1/customers/search",
        "stripe.checkout.sessions.listLineItems('cs_1')": "GET /v1/checkout/sessions/{session}/line_items",
        "stripe.subscriptionItems.createUsageRecord('si_1', {quantity: 1})":
            "POST /v1/subscription_items/{subscription_item}/usage_records",
    }
    got = {call: [q.operation.label for q in check_paste(f"```js\nawait {call};\n```", fresh).requests if q.operation]
           for call in calls}
    assert got == {call: [op] for call, op in calls.items()}
    # Ruby names the action the same way, on the class.
    assert _one("Stripe::Invoice.pay('in_1', paid_out_of_band: 'yes')", fresh) == (
        "POST /v1/invoices/{invoice}/pay", [("wrong_type", "paid_out_of_band")], "sdk:ruby")


#: Per language: the call with {v} where the value goes, and (value as written, value as read).
_VALUES = {
    "ruby": ("Stripe::Customer.create(email: 'a@b.co', balance: {v})",
             [("false", False), ("true", True), ("nil", None), ("-1.5", -1.5), ("1.5", 1.5), ("'x'", "x"),
              (":x", "x"), ("[1, 2]", [1, 2]), ("{a: 1}", {"a": 1}),
              (r'"it\"s"', 'it"s'), (r'"a\tb"', "a\tb"), (r'"\u0041"', "A"), (r"'a\tb'", r"a\tb")]),
    "javascript": ("await stripe.customers.create({{email: 'a@b.co', balance: {v}}});",
                   [("false", False), ("true", True), ("null", None), ("-1.5", -1.5), ("1.5", 1.5), ("'x'", "x"),
                    ("[1, 2]", [1, 2]), ("{a: 1}", {"a": 1}),
                    (r"'it\'s'", "it's"), (r"'a\tb'", "a\tb"), (r"'\u0041'", "A")]),
    "python": ("stripe.Customer.create(email='a@b.co', balance={v})",
               [("False", False), ("True", True), ("None", None), ("-1.5", -1.5), ("1.5", 1.5), ("'x'", "x"),
                ("[1, 2]", [1, 2]), ("{'a': 1}", {"a": 1}),
                (r'"it\"s"', 'it"s'), (r'"a\tb"', "a\tb"), (r'"\u0041"', "A"), (r'r"a\tb"', r"a\tb")]),
    "php": ("$stripe->customers->create(['email' => 'a@b.co', 'balance' => {v}]);",
            [("false", False), ("true", True), ("null", None), ("-1.5", -1.5), ("1.5", 1.5), ("'x'", "x"),
             ("[1, 2]", [1, 2]), ("['a' => 1]", {"a": 1}),
             (r'"it\"s"', 'it"s'), (r'"a\tb"', "a\tb"), (r"'it\'s'", "it's")]),
    "java": ('// stripe\nMap<String, Object> params = new HashMap<>();\nparams.put("email", "a@b.co");\n'
             'params.put("balance", {v});\nCustomer.create(params);',
             [("false", False), ("true", True), ("null", None), ("-1.5", -1.5), ("1.5", 1.5), ('"x"', "x"),
              ("List.of(1, 2)", [1, 2]), (r'"it\"s"', 'it"s'), (r'"\u0041"', "A")]),
    "csharp": ('var service = new CustomerService();\nservice.Create(new CustomerCreateOptions {{ Email = "a@b.co", '
               'Balance = {v} }}); // Stripe',
               [("false", False), ("true", True), ("null", None), ("-1.5", -1.5), ("1.5", 1.5), ('"x"', "x"),
                ("new List<long> { 1, 2 }", [1, 2]), ('new Dictionary<string, long> { { "a", 1 } }', {"a": 1}),
                (r'"it\"s"', 'it"s'), (r'"\u0041"', "A")]),
    "go": ('```go\nc, err := customer.New(&stripe.CustomerParams{{Email: stripe.String("a@b.co"), Balance: {v}}})\n```',
           [("stripe.Bool(false)", False), ("stripe.Bool(true)", True), ("nil", None), ("stripe.Float64(-1.5)", -1.5),
            ("stripe.Float64(1.5)", 1.5), ('stripe.String("x")', "x"), ("[]int64{1, 2}", [1, 2]),
            ('map[string]int64{"a": 1}', {"a": 1}), (r'stripe.String("a\tb")', "a\tb"),
            (r'stripe.String(`a\tb`)', r"a\tb"), (r'stripe.String("\u0041")', "A")]),
}


@pytest.mark.parametrize("lang", sorted(_VALUES))
def test_a_literal_is_checked_as_the_value_it_is_in_every_language(both: SpecSet, lang: str) -> None:
    # balance takes an integer: each literal is reported with the value it stands for (a false
    # read as true, a -1.5 as 1.5, a list as one item or an escape left undecoded would each say
    # the wrong thing; raw strings keep their backslashes).
    template, values = _VALUES[lang]
    got = []
    for written, _ in values:
        res = check_paste(template.format(v=written), both)
        got.append([(q.operation.label if q.operation else None, q.request.source,
                     [(f.kind, f.field, f.actual) for f in q.findings]) for q in res.requests])
    assert got == [[("POST /v1/customers", f"sdk:{lang}", [("wrong_type", "balance", read)])] for _, read in values]



_FORM = ("Content-Type", "application/x-www-form-urlencoded")
_JSON = ("Content-Type", "application/json")
_POSITIONAL = "some arguments are positional or computed, so their field names are not checked"
_UNREADABLE = "the call's arguments could not be read (broken quotes or brackets), so they are not checked"


def _traceback(code: str) -> str:
    return ("```\nTraceback (most recent call last):\n  File \"/srv/shop/pay.py\", line 31, in charge\n"
            f"    {code}\nstripe.error.InvalidRequestError: Request req_1: Invalid request\n```")


@pytest.mark.parametrize("text, request_read", [
    # Request options become headers, whichever way each SDK passes them; the SDK's own auth and
    # client settings (apiKey, api_key, octokit's request/mediaType) are not sent as anything.
    ("stripe.customers.create({email: 'a@b.co'}, {idempotencyKey: 'abc', apiKey: 'sk_test_x', stripeAccount: 'acct_2'})",
     ("POST", "https://api.stripe.com/v1/customers", [_FORM, ("Idempotency-Key", "abc"), ("Stripe-Account", "acct_2")],
      '{"email": "a@b.co"}', None, [])),
    ("stripe.customers.update('cus_1', {name: 'n'}, {idempotencyKey: 'i'}, {stripeAccount: 'acct_3'})",
     ("POST", "https://api.stripe.com/v1/customers/cus_1", [_FORM, ("Idempotency-Key", "i"), ("Stripe-Account", "acct_3")],
      '{"name": "n"}', None, [])),
    ("stripe.Customer.create(email='a@b.co', idempotency_key='k1', stripe_version='2020-01-01', api_key='sk_x')",
     ("POST", "https://api.stripe.com/v1/customers",
      [_FORM, ("Idempotency-Key", "k1"), ("Stripe-Version", "2020-01-01")], '{"email": "a@b.co"}', None, [])),
    ("var service = new CustomerService();\nservice.Create(new CustomerCreateOptions { Email = \"a@b.co\" }, "
     "new RequestOptions { IdempotencyKey = \"k9\", StripeAccount = \"acct_9\" }); // Stripe",
     ("POST", "https://api.stripe.com/v1/customers", [_FORM, ("Idempotency-Key", "k9"), ("Stripe-Account", "acct_9")],
      '{"email": "a@b.co"}', None, [])),
    ("import com.stripe.model.Customer;\nCustomerCreateParams params = CustomerCreateParams.builder()"
     ".setEmail(\"a@b.co\").setIdempotencyKey(\"k5\").build();\nCustomer.create(params);",
     ("POST", "https://api.stripe.com/v1/customers", [_FORM, ("Idempotency-Key", "k5")], '{"email": "a@b.co"}', None, [])),
    ("```go\nparams := &stripe.CustomerParams{Params: stripe.Params{IdempotencyKey: stripe.String(\"k1\")}, "
     "Email: stripe.String(\"a@b.co\")}\nc, err := customer.New(params)\n```",
     ("POST", "https://api.stripe.com/v1/customers", [_FORM, ("Idempotency-Key", "k1")], '{"email": "a@b.co"}', None, [])),
    ("await octokit.rest.issues.create({owner: 'o', repo: 'r', title: 't', labels: ['a'], "
     "headers: {'x-github-api-version': '2022-11-28'}, mediaType: {format: 'raw'}, request: {timeout: 5}})",
     ("POST", "https://api.github.com/repos/o/r/issues", [_JSON, ("x-github-api-version", "2022-11-28")],
      '{"title": "t", "labels": ["a"]}', None, [])),
    # Path values: positional in order (quoted into the URL), named, or "owner/repo" for both; what
    # the operation has no body for is its query; a non-ASCII value is sent as written.
    ("stripe.customers.update('cus 1/x', {name: 'é'})",
     ("POST", "https://api.stripe.com/v1/customers/cus%201%2Fx", [_FORM], '{"name": "é"}', None, [])),
    ("stripe.Customer.retrieve('cus_1', expand=['x'], stripe_account='acct_1')",
     ("GET", "https://api.stripe.com/v1/customers/cus_1", [_FORM, ("Stripe-Account", "acct_1")], "{}",
      {"expand": ["x"]}, [])),
    ("stripe.customers.list({limit: 3, email: 'x'})",
     ("GET", "https://api.stripe.com/v1/customers", [_FORM], "{}", {"limit": 3, "email": "x"}, [])),
    ("octokit.rest.issues.get({owner: 'o', repo: 'r', issue_number: 5})",
     ("GET", "https://api.github.com/repos/o/r/issues/5", [], None, None, [])),
    ("octokit.rest.issues.listForRepo({owner: 'o', repo: 'r', perPage: 5, fooBar: 1})",
     ("GET", "https://api.github.com/repos/o/r/issues", [], None, {"per_page": 5, "foo_bar": 1}, [])),
    ("stripe.customers.del('cus_1')", ("DELETE", "https://api.stripe.com/v1/customers/cus_1", [_FORM], None, None, [])),
    ("client = Octokit::Client.new(access_token: token)\nclient.create_issue('octo/site', 'Title', 'Body')",
     ("POST", "https://api.github.com/repos/octo/site/issues", [_JSON], "{}", None, [_POSITIONAL])),
    # Fields we cannot see: a **splat, a params object built elsewhere, an unreadable call.
    ("stripe.Customer.create(email='a@b.co', balance=None, **extra)",
     ("POST", "https://api.stripe.com/v1/customers", [_FORM], '{"email": "a@b.co", "balance": null}', None,
      [_POSITIONAL])),
    ("stripe.Price.create(params)",
     ("POST", "https://api.stripe.com/v1/prices", [_FORM], "params", None,
      ["the parameters are in `params`, which is built outside this paste"])),
    (_traceback("customer = stripe.Customer.create("),
     ("POST", "https://api.stripe.com/v1/customers", [_FORM], "...", None, [_UNREADABLE])),
    (_traceback("repo = github_client.get_repo("),
     ("GET", "https://api.github.com/repos/{owner}/{repo}", [], None, None, [_UNREADABLE])),
    # Keys of an options object that are not request options are not sent; nor are octokit's own.
    ("stripe.customers.create({email: 'a@b.co'}, {idempotencyKey: 'abc', telemetry: {enabled: false}, host: 'h'})",
     ("POST", "https://api.stripe.com/v1/customers", [_FORM, ("Idempotency-Key", "abc")], '{"email": "a@b.co"}', None, [])),
    ("octokit.rest.issues.create({owner: 'o', repo: 'r', title: 't'}, {headers: {'x-github-api-version': '2022-11-28'}})",
     ("POST", "https://api.github.com/repos/o/r/issues", [_JSON, ("x-github-api-version", "2022-11-28")],
      '{"title": "t"}', None, [])),
    ("```python\ngh.rest.issues.create(owner='o', repo='r', title='t', headers=extra_headers, body='b')\n```",
     ("POST", "https://api.github.com/repos/o/r/issues", [_JSON], '{"title": "t", "body": "b"}', None, [])),
    ("octokit.rest.issues.create({owner: 'o', repo: 'r', title: 't', request: {timeout: 5}, body: 'b'})",
     ("POST", "https://api.github.com/repos/o/r/issues", [_JSON], '{"title": "t", "body": "b"}', None, [])),
    # octokit.request's route is the route, not a path value, however the client is reached.
    ("await this.octokit.request('POST /repos/{owner}/{repo}/issues', {owner: 'o', repo: 'r', title: 't'})",
     ("POST", "https://api.github.com/repos/o/r/issues", [_JSON], '{"title": "t"}', None, [])),
    # A path value given by name is not filled again by a positional one; a positional value past
    # the path's is a field we cannot name, even after a params object built elsewhere.
    ("stripe.customers.retrieveSource('src_1', {customer: 'cus_1'})",
     ("GET", "https://api.stripe.com/v1/customers/cus_1/sources/src_1", [_FORM], "{}", None, [])),
    ("stripe.Price.create(params, 5)",
     ("POST", "https://api.stripe.com/v1/prices", [_FORM], "params", None,
      ["the parameters are in `params`, which is built outside this paste", _POSITIONAL])),
    # "owner/repo" fills both (split at its first slash), then the rest follow; a variable named
    # like a repository's full name stands for both when fewer values than path names are given.
    ("client = Octokit::Client.new(access_token: token)\nclient.update_issue('octo/site', 12, title: 'x')",
     ("PATCH", "https://api.github.com/repos/octo/site/issues/12", [_JSON], '{"title": "x"}', None, [])),
    ("client = Octokit::Client.new(access_token: token)\nclient.update_issue('octo/site/', 12, title: 'x')",
     ("PATCH", "https://api.github.com/repos/octo/site%2F/issues/12", [_JSON], '{"title": "x"}', None, [])),
    ("client = Octokit::Client.new(access_token: token)\nclient.update_issue(repo_name, 12, title: 'x')",
     ("PATCH", "https://api.github.com/repos/{owner}/{repo}/issues/12", [_JSON], '{"title": "x"}', None, [])),
    ("```go\nclient := github.NewClient(nil)\nissue, _, err := client.Issues.Get(ctx, repoOwner, repoName, 5)\n```",
     ("GET", "https://api.github.com/repos/{owner}/{repo}/issues/5", [], None, None, [])),
    # A query parameter named in another spelling is the spec's.
    ("octokit.rest.issues.listForRepo({owner: 'o', repo: 'r', 'per-page': 5})",
     ("GET", "https://api.github.com/repos/o/r/issues", [], None, {"per_page": 5}, [])),
    # A body field the spec declares is a field, even when named like a request option.
    ("stripe.WebhookEndpoint.create(url='https://x.co', enabled_events=['*'], api_version='2023-08-16')",
     ("POST", "https://api.stripe.com/v1/webhook_endpoints", [_FORM],
      '{"url": "https://x.co", "enabled_events": ["*"], "api_version": "2023-08-16"}', None, [])),
    # The repository from the environment (any letter case) stands for owner and repo.
    ("client = Octokit::Client.new(access_token: token)\nclient.update_issue(ENV['GITHUB_REPOSITORY'], 12, title: 'x')",
     ("PATCH", "https://api.github.com/repos/{owner}/{repo}/issues/12", [_JSON], '{"title": "x"}', None, [])),
    # "owner/repo" given to a client's method (not a repository object's) is owner and repo.
    ("```python\ngithub_client.get_repo('octo/site')\n```",
     ("GET", "https://api.github.com/repos/octo/site", [], None, None, [])),
    # A path value named in PascalCase (Go, C#) is not filled again by a positional one.
    ("stripe.customers.retrieveSource('src_1', {Customer: 'cus_1'})",
     ("GET", "https://api.stripe.com/v1/customers/cus_1/sources/src_1", [_FORM], "{}", None, [])),
    # Renaming: the path's name is the old one (positional), the body's the new one; given only by
    # name, it is the path's.
    ("```python\ngh.rest.actions.update_repo_variable('octo/site', 'OLD', name='NEW', value='v')\n```",
     ("PATCH", "https://api.github.com/repos/octo/site/actions/variables/OLD", [_JSON], '{"name": "NEW", "value": "v"}',
      None, [])),
    ("octokit.rest.actions.updateRepoVariable({owner: 'o', repo: 'r', name: 'X', value: 'v'})",
     ("PATCH", "https://api.github.com/repos/o/r/actions/variables/X", [_JSON], '{"value": "v"}', None, [])),
    # A nested PascalCase field takes the spec's spelling (SSNLast4 is ssn_last_4, not ssn_last4).
    ("```go\na, err := account.New(&stripe.AccountParams{Type: stripe.String(\"custom\"), "
     "Individual: &stripe.PersonParams{SSNLast4: stripe.String(\"1234\")}})\n```",
     ("POST", "https://api.stripe.com/v1/accounts", [_FORM], '{"type": "custom", "individual": {"ssn_last_4": "1234"}}',
      None, [])),
    # Builder setters: addX(v) adds one item to the list xs, addAllX a list's items (or one value);
    # putX given a map (not a key and a value) adds nothing.
    ("import com.stripe.model.PaymentIntent;\nPaymentIntentCreateParams params = PaymentIntentCreateParams.builder()"
     ".setAmount(100L).setCurrency(\"usd\").addPaymentMethodType(\"card\").addAllPaymentMethodType(List.of(\"link\", "
     "\"us_bank_account\")).addAllPaymentMethodType(\"klarna\").build();\nPaymentIntent.create(params);",
     ("POST", "https://api.stripe.com/v1/payment_intents", [_FORM], '{"amount": 100, "currency": "usd", '
      '"payment_method_types": ["card", "link", "us_bank_account", "klarna"]}', None, [])),
    ("import com.stripe.model.Invoice;\nInvoiceCreateParams params = InvoiceCreateParams.builder()"
     ".setCustomer(\"cus_1\").addAllDiscount(List.of(\"d_1\")).build();\nInvoice.create(params);",
     ("POST", "https://api.stripe.com/v1/invoices", [_FORM], '{"customer": "cus_1", "discounts": ["d_1"]}', None, [])),
    ("import com.stripe.model.Customer;\nMap<String, String> meta = new HashMap<>();\nmeta.put(\"order\", \"5\");\n"
     "CustomerCreateParams params = CustomerCreateParams.builder().setEmail(\"a@b.co\").putMetadata(meta).build();\n"
     "Customer.create(params);",
     ("POST", "https://api.stripe.com/v1/customers", [_FORM], '{"email": "a@b.co"}', None, [])),
])
def test_the_request_an_sdk_call_sends(both: SpecSet, text: str, request_read: tuple) -> None:
    # What the bot shows and checks of an SDK call: method, URL, headers in order, body, query, notes.
    reqs = [q.request for q in check_paste(text, both).requests if q.request.source.startswith("sdk:")]
    assert [(r.method, r.url, r.headers, r.body, r.query_value, r.notes) for r in reqs] == [request_read]


def test_the_request_read_from_a_spec_without_servers_with_header_parameters(tmp_path) -> None:
    # A spec of the SDK's API with no servers: the URL's host is a stand-in; a header parameter
    # given as a field is a header; JSON is the content type sent when the operation takes it
    # beside a form; a body the spec gives no schema is still the body (not the query).
    body = {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}},
                        "application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}
    spec = {"openapi": "3.0.0", "info": {"title": "Stripe API (test copy)", "version": "1"}, "paths": {
        "/v1/widgets": {"post": {"operationId": "PostWidgets", "requestBody": body,
                                 "parameters": [{"name": "X-Trace", "in": "header", "schema": {"type": "string"}}],
                                 "responses": {"200": {"description": "ok"}}}},
        "/v1/notes": {"post": {"operationId": "PostNotes", "requestBody": {"content": {"text/plain": {}}},
                               "responses": {"200": {"description": "ok"}}}}}}
    path = tmp_path / "stripe-mini.json"
    import json

    path.write_text(json.dumps(spec))
    specs = SpecSet.load([path])
    got = [(r.method, r.url, r.headers, r.body, r.query_value) for text in
           ("stripe.widgets.create({name: 'w', x_trace: 't'})", "stripe.notes.create({text: 'hi'})")
           for r in (q.request for q in check_paste(text, specs).requests)]
    assert got == [
        ("POST", "https://api.example.com/v1/widgets", [_JSON, ("X-Trace", "t")], '{"name": "w"}', None),
        ("POST", "https://api.example.com/v1/notes", [("Content-Type", "text/plain")], '{"text": "hi"}', None)]


@pytest.mark.parametrize("text, findings", [
    # addExpand/AddExpand fill `expand` (singular in the API), not a made-up `expands`.
    ("import com.stripe.model.Customer;\nCustomerCreateParams params = CustomerCreateParams.builder().setEmail(\"a@b.co\")"
     ".addAllExpand(List.of(\"sources\")).addExpand(\"tax\").build();\nCustomer.create(params);", []),
    ("```go\nparams := &stripe.CustomerParams{Email: stripe.String(\"a@b.co\")}\nparams.AddExpand(\"sources\")\n"
     "c, err := customer.New(params)\n```", []),
    ("var options = new CustomerCreateOptions { Email = \"a@b.co\" };\noptions.AddExpand(\"sources\");\n"
     "var service = new CustomerService();\nservice.Create(options); // Stripe", []),
    # Java putAllExtraParam(map): its fields are the request's, each checked by its own name.
    ("import com.stripe.model.Customer;\nMap<String, Object> extra = new HashMap<>();\nextra.put(\"descripton\", \"x\");\n"
     "CustomerCreateParams params = CustomerCreateParams.builder().setEmail(\"a@b.co\").putAllExtraParam(extra).build();\n"
     "Customer.create(params);", [("unknown_param", "descripton")]),
    # map.putAll(a map made elsewhere) may hold the required currency: not claimed missing, the rest checked.
    ("// stripe\nMap<String, Object> params = new HashMap<>();\nparams.put(\"amount\", 100);\nparams.putAll(defaults);\n"
     "PaymentIntent.create(params);", []),
    ("// stripe\nMap<String, Object> params = new HashMap<>();\nparams.put(\"amount\", \"ten\");\nparams.putAll(defaults);\n"
     "PaymentIntent.create(params);", [("wrong_type", "amount")]),
])
def test_setters_that_fill_expand_extra_params_or_an_unseen_map(both: SpecSet, text: str, findings: list) -> None:
    # Each said a field was unknown (`expands`, `extra_param`) or missing (currency) that was not.
    assert _one(text, both)[1] == findings


@pytest.mark.parametrize("text, request_read", [
    # A Laravel facade names the resource in a getter: Stripe::getCharge()->create is POST /v1/charges.
    ('```php\nStripe::getCharge()->create(["amount" => 100, "currency" => "usd"]);\n```',
     ("POST", "https://api.stripe.com/v1/charges", '{"amount": 100, "currency": "usd"}')),
    ('```php\nStripe::getCustomer()->retrieve("cus_1");\n```',
     ("GET", "https://api.stripe.com/v1/customers/cus_1", None)),
    # A service injected elsewhere (ASP.NET): its field's name ends in Service, the rest is the resource.
    ("var pi = await _paymentIntentService.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, "
     "Currency = \"usd\" }); // Stripe",
     ("POST", "https://api.stripe.com/v1/payment_intents", '{"amount": 1000, "currency": "usd"}')),
    ("var c = _customerService.Get(\"cus_1\"); // Stripe", ("GET", "https://api.stripe.com/v1/customers/cus_1", None)),
])
def test_a_resource_named_by_a_facade_getter_or_an_injected_service_field(both: SpecSet, text: str,
                                                                          request_read: tuple) -> None:
    reqs = [q.request for q in check_paste(text, both).requests if q.request.source.startswith("sdk:")]
    assert [(r.method, r.url, r.body) for r in reqs] == [request_read]


def test_a_ruby_chain_with_a_call_given_values_two_steps_back_is_still_read(both: SpecSet) -> None:
    # Stripe::Customer.retrieve('cus_1').sources.list: the id given to the first call in the chain
    # is the customer's (read as the customer's URL), and the rest of the chain does not stop the reading.
    text = "Stripe::Customer.retrieve('cus_1').sources.list(limit: 3)"
    urls = [q.request.url for q in check_paste(text, both).requests if q.request.source == "sdk:ruby"]
    assert urls and all(u.startswith("https://api.stripe.com/v1/customers/cus_1") for u in urls)
