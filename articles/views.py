from django.shortcuts import render

from .models import BodyRegion


def home(request):
    return render(request, "articles/home.html", {"regions": BodyRegion.objects.all()})
